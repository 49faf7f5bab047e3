/*
 * redact.h - connection strings and URLs as they may be shown: in `motcua
 * config`, in messages on stderr (the journal), in what a command prints.
 * A password or token in them is replaced by "***", so that a log shipped
 * elsewhere or a screen shared with a colleague does not carry the
 * database's password (docs/operations.md §3, "Secrets").
 *
 * What is hidden:
 *   - the password of a URL's user information, "scheme://user:PASSWORD@host"
 *     (the user stays: it is not a secret and says which role is used);
 *   - the value of a query parameter whose name says it is a secret
 *     (password, sslpassword, passwd, pass, secret, token, access_token,
 *     api_key, apikey, key, auth, signature, sig), case-insensitively;
 *   - in a libpq keyword/value string ("host=db password=x"), the value of
 *     password and sslpassword, quoted or not.
 * Everything else is kept as it was, so that the host and the options stay
 * readable.
 */
#ifndef MC_CORE_REDACT_H
#define MC_CORE_REDACT_H

/* The URL or connection string s with its secrets replaced by "***". NULL
 * gives "". Caller frees. */
char *mc_redact_url(const char *s);

#endif
