"""Who is calling and what they may do: identities, roles, tokens, TOTP, the server guard."""
