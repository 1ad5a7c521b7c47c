// Starts the GOV.UK and MOJ Frontend components on every page (error summary focus, radios, tables).
import { initAll as initGovuk } from "../frontend/govuk-frontend.min.js";
import { initAll as initMoj } from "../frontend/moj-frontend.min.js";

initGovuk();
initMoj();
