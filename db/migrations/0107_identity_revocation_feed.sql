-- identity: the revocation record, published read-only for every process's token verifier.
-- services/core/src/auth/revocation_feed.cpp reads new rows by increasing id (and, once at
-- start-up, every row still in force) and keeps an in-memory list, so verifying a token needs no
-- Redis round trip and keeps working with Redis down. The view is the contract: identity may
-- change its table, not these columns.
CREATE VIEW identity_revocation_feed AS
SELECT id,
       account_id,
       token_id,
       issued_up_to_ms,
       expires_at,
       CAST(UNIX_TIMESTAMP(expires_at) * 1000 AS SIGNED) AS expires_at_ms
FROM identity_token_revocations;
