// The dashboard's sign-in: login and password through identity's POST /v1/auth/login, then the
// six-digit code from the authenticator (POST /v1/auth/mfa) when the account has a second
// factor. The access token is renewed with the refresh token (POST /v1/auth/refresh) a minute
// before it expires, so a 大屏 left on all day stays signed in; both stay in this tab's
// sessionStorage only. Pasting a token (or #token=) still works, without renewal.
'use strict';

const signIn = { challenge: null, renewTimer: null };

async function postJson(path, body) {
  const response = await fetch(path, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  let answer = {};
  try { answer = await response.json(); } catch (_) { /* no JSON body: the status says enough */ }
  return { status: response.status, answer };
}

function problemText(result) {
  return result.answer.detail || result.answer.title || 'HTTP ' + result.status;
}

function showSignInError(text) { $('sign-in-error').textContent = text; }

function showStep(step) {
  $('login-form').hidden = step !== 'login';
  $('code-form').hidden = step !== 'code';
  if (step === 'code') $('code-input').focus();
}

// Tokens from a completed sign-in or renewal: use the access token, plan the next renewal.
function useSession(answer) {
  sessionStorage.setItem('huicai.token', answer.access_token);
  if (answer.refresh_token) sessionStorage.setItem('huicai.refresh', answer.refresh_token);
  state.token = answer.access_token;
  clearTimeout(signIn.renewTimer);
  const seconds = Number(answer.expires_in || 0);
  if (answer.refresh_token && seconds > 120) {
    signIn.renewTimer = setTimeout(renewSession, (seconds - 60) * 1000);
  }
}

async function renewSession() {
  const refreshToken = sessionStorage.getItem('huicai.refresh');
  if (!refreshToken) return;
  const result = await postJson('/v1/auth/refresh', { refresh_token: refreshToken });
  if (result.status === 200 && result.answer.access_token) {
    useSession(result.answer);
  } else {
    sessionStorage.removeItem('huicai.refresh');  // used, revoked or expired: sign in again
  }
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  showSignInError('');
  const result = await postJson('/v1/auth/login',
    { login: $('login-input').value.trim(), password: $('password-input').value });
  $('password-input').value = '';
  if (result.status !== 200) return showSignInError(problemText(result));
  if (result.answer.mfa_required) {
    signIn.challenge = result.answer.challenge;
    return showStep('code');
  }
  if (result.answer.mfa_enrolment_required) {
    return showSignInError('此账号需先在商城绑定动态口令 (enrol TOTP in the mall first)');
  }
  useSession(result.answer);
  start();
});

$('code-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  showSignInError('');
  const entered = $('code-input').value.trim();
  const body = { challenge: signIn.challenge };
  if (/^[0-9]{6}$/.test(entered)) body.code = entered; else body.recovery_code = entered;
  const result = await postJson('/v1/auth/mfa', body);
  $('code-input').value = '';
  if (result.status !== 200) {
    showSignInError(problemText(result));
    // A wrong code may be retried with the same challenge; anything else starts over.
    if (!String(result.answer.type || '').endsWith('invalid-code')) showStep('login');
    return;
  }
  signIn.challenge = null;
  showStep('login');
  useSession(result.answer);
  start();
});

// A tab reloaded after signing in renews at once: when its token expires is not known.
if (state.token && sessionStorage.getItem('huicai.refresh')) renewSession();
