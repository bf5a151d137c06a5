import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseScope, readForm, sendHtml, sendJson, sendOAuthError } from './oidc-http';
import { grantedScope, subjectForUsername, type IssuerContext } from './oidc-issuer-context';
import { readClientRequest } from './oidc-token-endpoint';
import { renderDevicePage, renderErrorPage, renderMessagePage } from './login-page';

/** `POST /device_authorization` (RFC 8628 §3.1–3.2): a device code for the client, a user code for the person. */
export async function handleDeviceAuthorization(ctx: IssuerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = await readClientRequest(ctx, req, res);
  if (request === undefined) return;
  const scope = parseScope(request.form.get('scope'));
  if (scope === undefined || !scope.includes('openid')) return sendOAuthError(res, 400, 'invalid_scope', 'scope must include openid.');
  const started = ctx.deviceCodes.start(request.client.clientId, grantedScope(scope));
  if (started === undefined) return sendOAuthError(res, 503, 'temporarily_unavailable', 'Too many devices waiting; try again later.');
  const verificationUri = `${ctx.issuer()}/device`;
  sendJson(
    res,
    200,
    {
      device_code: started.deviceCode,
      user_code: started.userCode,
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?user_code=${encodeURIComponent(started.userCode)}`,
      expires_in: started.expiresInS,
      interval: started.intervalS,
    },
    { Pragma: 'no-cache' },
  );
}

/** `GET /device` asks for the code (prefilled from `?user_code=`); `POST /device` approves or refuses it. */
export async function handleDevicePage(ctx: IssuerContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (req.method === 'GET') {
    const code = url.searchParams.get('user_code') ?? undefined;
    return sendHtml(res, 200, renderDevicePage(code !== undefined && code.length <= 32 ? code : undefined, ctx.issuer()));
  }
  const read = await readForm(req);
  if (read.kind !== 'ok') return sendHtml(res, read.status, renderErrorPage(read.description));
  const form = read.form;
  const userCode = form.get('user_code') ?? '';
  const shownCode = userCode.length <= 32 ? userCode : undefined;
  if (!ctx.deviceCodes.isPending(userCode)) {
    return sendHtml(res, 400, renderDevicePage(shownCode, ctx.issuer(), 'That code is unknown, expired or already used.'));
  }
  if (form.get('action') === 'deny') {
    ctx.deviceCodes.decide(userCode, { approve: false });
    return sendHtml(res, 200, renderMessagePage('Access denied', 'The device was not signed in. You can close this window.'));
  }
  const username = form.get('username')?.trim() ?? '';
  if (username === '' || username.length > 256) {
    return sendHtml(res, 400, renderDevicePage(shownCode, ctx.issuer(), 'Enter a username.'));
  }
  const user = { subject: subjectForUsername(username), username, authTime: Math.floor(ctx.now() / 1000) };
  if (!ctx.deviceCodes.decide(userCode, { approve: true, user })) {
    return sendHtml(res, 400, renderDevicePage(shownCode, ctx.issuer(), 'That code is unknown, expired or already used.'));
  }
  sendHtml(res, 200, renderMessagePage('Device signed in', 'You can return to your device and close this window.'));
}
