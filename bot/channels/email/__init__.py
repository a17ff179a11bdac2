"""Email: the SMTP listener, reading and quotes, authentication, sending."""
