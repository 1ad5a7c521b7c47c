// Starts the GOV.UK and MOJ Frontend components on every page (error summary focus, radios, tables),
// and the session timeout warning on pages of a signed-in user.
import { initAll as initGovuk } from "../frontend/govuk-frontend.min.js";
import { initAll as initMoj } from "../frontend/moj-frontend.min.js";
import { startSessionTimeout } from "./session-timeout.mjs";

initGovuk();
initMoj();
startSessionTimeout();
