// Chat completions through the official openai client against a real maas server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startServer, STORIES } from './server.js';

let server;
let client;
const messages = [
  { role: 'system', content: 'You tell stories.' },
  { role: 'user', content: 'Tell me a story' },
];

before(async () => {
  server = await startServer(['--model', `stories260K=${STORIES}`]);
  client = new OpenAI({ apiKey: 'unused', baseURL: `${server.baseURL}/v1`, maxRetries: 0 });
});
after(async () => server?.stop());

test('chat completion: assistant message, usage, deterministic when greedy', async () => {
  const a = await client.chat.completions.create({ model: 'stories260K', messages, max_tokens: 20, temperature: 0 });
  const b = await client.chat.completions.create({ model: 'stories260K', messages, max_tokens: 20, temperature: 0 });
  assert.equal(a.object, 'chat.completion');
  assert.equal(a.choices[0].message.role, 'assistant');
  assert.ok(a.choices[0].message.content.length > 0);
  assert.equal(a.choices[0].message.content, b.choices[0].message.content);
  assert.equal(a.choices[0].finish_reason, 'length');
  assert.equal(a.usage.completion_tokens, 20);
  assert.equal(a.usage.total_tokens, a.usage.prompt_tokens + 20);
  // max_completion_tokens is the newer name of max_tokens.
  const c = await client.chat.completions.create({ model: 'stories260K', messages, max_completion_tokens: 7, temperature: 0 });
  assert.equal(c.usage.completion_tokens, 7);
});

test('streamed chat equals the non-streamed reply; role first, usage last', async () => {
  const whole = await client.chat.completions.create({ model: 'stories260K', messages, max_tokens: 25, temperature: 0 });
  const stream = await client.chat.completions.create({
    model: 'stories260K', messages, max_tokens: 25, temperature: 0, stream: true, stream_options: { include_usage: true },
  });
  let text = '';
  let role = null;
  let finish = null;
  let usage = null;
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      if (c.delta.role) role = role ?? c.delta.role;
      if (c.delta.content) text += c.delta.content;
      if (c.finish_reason) finish = c.finish_reason;
    }
  }
  assert.equal(role, 'assistant');
  assert.equal(text, whole.choices[0].message.content);
  assert.equal(finish, 'length');
  assert.deepEqual(usage, whole.usage);
});

test('chat logprobs with top alternatives', async () => {
  const r = await client.chat.completions.create({
    model: 'stories260K', messages, max_tokens: 4, temperature: 0, logprobs: true, top_logprobs: 3,
  });
  const content = r.choices[0].logprobs.content;
  assert.ok(content.length >= 1);
  for (const t of content) {
    assert.equal(t.top_logprobs.length, 3);
    assert.ok(t.logprob <= 0);
    // Greedy: the chosen token is the most likely one.
    assert.equal(t.top_logprobs[0].token, t.token);
    assert.deepEqual(t.bytes, [...Buffer.from(t.token)]);
  }
  assert.equal(content.map((t) => t.token).join(''), r.choices[0].message.content);
});

test('response_format json_object yields a JSON object', async () => {
  // stories260K never writes JSON by itself; a bias towards '}' (token 128) lets the
  // constrained decoder close the object as soon as the grammar allows.
  const r = await client.chat.completions.create({
    model: 'stories260K', messages, max_tokens: 200, temperature: 0,
    response_format: { type: 'json_object' }, logit_bias: { 128: 30 },
  });
  assert.equal(r.choices[0].finish_reason, 'stop');
  const parsed = JSON.parse(r.choices[0].message.content);
  assert.equal(typeof parsed, 'object');
  assert.ok(!Array.isArray(parsed));
});

test('unsupported parameters and bad messages are 400s naming the parameter', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'stories260K', messages, tools: [{ type: 'function', function: { name: 'f' } }] }),
    (e) => e instanceof OpenAI.BadRequestError && e.param === 'tools',
  );
  await assert.rejects(
    client.chat.completions.create({ model: 'stories260K', messages: [{ role: 'wizard', content: 'hi' }] }),
    (e) => e instanceof OpenAI.BadRequestError && /messages\[0\]\.role/.test(e.message),
  );
  await assert.rejects(
    client.chat.completions.create({ model: 'stories260K', messages, response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } } }),
    (e) => e instanceof OpenAI.BadRequestError && e.param === 'response_format',
  );
});
