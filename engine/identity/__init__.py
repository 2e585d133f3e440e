"""Who is acting and what they may do: users, tokens, logins, organisations, access rules."""
