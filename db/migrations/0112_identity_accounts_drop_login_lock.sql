-- identity: the per-login-name lock is gone (issue 19: anyone knowing a login name could keep
-- its owner out). Sign-in throttling is keyed to who guesses (source address, device token) and
-- lives in Redis (services/identity/src/login_limiter.hpp).
ALTER TABLE identity_accounts DROP COLUMN IF EXISTS failed_attempts;
ALTER TABLE identity_accounts DROP COLUMN IF EXISTS locked_until;
