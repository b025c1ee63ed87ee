// API keys, limits and usage seen through the official openai npm client.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startServer, STORIES } from './server.js';

let server;
let admin;
let user;

async function createKey(body, secret) {
  const headers = { 'Content-Type': 'application/json' };
  if (secret) headers.Authorization = `Bearer ${secret}`;
  const r = await fetch(`${server.baseURL}/admin/v1/keys`, { method: 'POST', headers, body: JSON.stringify(body) });
  assert.equal(r.status, 201, await r.clone().text());
  return (await r.json()).secret;
}

const clientFor = (apiKey) => new OpenAI({ apiKey, baseURL: `${server.baseURL}/v1`, maxRetries: 0 });

before(async () => {
  server = await startServer(['--model', `stories260K=${STORIES}`]);
  // No keys yet on a loopback server: the first (admin) key can be made over HTTP.
  admin = await createKey({ name: 'admin', role: 'admin' });
  user = await createKey({ name: 'app', models: ['stories260K'], rpm: 3 }, admin);
});
after(async () => server?.stop());

test('a valid key works; a missing or wrong one is an AuthenticationError', async () => {
  const r = await clientFor(user).completions.create({ model: 'stories260K', prompt: 'Once upon a time', max_tokens: 4 });
  assert.equal(r.usage.completion_tokens, 4);
  await assert.rejects(clientFor('maas-' + '0'.repeat(64)).models.list(), (e) => {
    assert.ok(e instanceof OpenAI.AuthenticationError, String(e));
    assert.equal(e.status, 401);
    assert.equal(e.code, 'invalid_api_key');
    return true;
  });
});

test('a model outside the key\'s list is a PermissionDeniedError', async () => {
  await assert.rejects(clientFor(user).completions.create({ model: 'other', prompt: 'x', max_tokens: 1 }), (e) => {
    assert.ok(e instanceof OpenAI.PermissionDeniedError, String(e));
    assert.equal(e.code, 'model_not_allowed');
    return true;
  });
});

test('past the rpm limit: RateLimitError with Retry-After', async () => {
  const c = clientFor(user);
  let limited;
  for (let i = 0; i < 5 && !limited; i++) {
    try {
      await c.models.list();
    } catch (e) {
      limited = e;
    }
  }
  assert.ok(limited instanceof OpenAI.RateLimitError, String(limited));
  assert.equal(limited.code, 'rate_limit_exceeded');
  const h = limited.headers;
  const retryAfter = typeof h?.get === 'function' ? h.get('retry-after') : h?.['retry-after'];
  assert.ok(Number(retryAfter) >= 1, String(retryAfter));
});

test('usage for the key is reported to the admin', async () => {
  const r = await fetch(`${server.baseURL}/admin/v1/usage?key=app&model=stories260K`, {
    headers: { Authorization: `Bearer ${admin}` },
  });
  assert.equal(r.status, 200);
  const report = await r.json();
  assert.equal(report.total.completion_tokens, 4);
  assert.ok(report.total.prompt_tokens > 0);
});
