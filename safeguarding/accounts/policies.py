"""Who may change a member of staff's access.

A user's role, team and organisation decide which families they see (people/policies.py,
access/policies.py); staff and superuser status decide who administers the system; an inactive account
cannot sign in. Together these are the user's access.
"""

from __future__ import annotations


def user_access_can_change(actor, user) -> bool:
    """Nobody changes their own access. A system administrator who could change their own role could give
    themselves a casework role and open any family in their team with nobody else agreeing; another
    administrator must make the change, and it is audited in their name.

    `actor` None is a change made outside any signed-in session (a management command); a new user (no
    primary key yet) is never the actor.
    """
    if actor is None or user.pk is None:
        return True
    return actor.pk != user.pk
