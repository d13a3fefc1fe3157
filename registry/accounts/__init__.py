"""Log-in, sessions and roles: who may do what.

Permissions belong to a person (`RoleAssignment.person_id`), never to a way of logging in. A local
`Account` (user name and argon2 password hash) is one way for a person to prove who they are; SSO
through the universities' identity federations (OIDC/SAML) can be added as another way that ends in
the same `start_session(person)` without touching any permission.
"""
