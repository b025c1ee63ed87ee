// The official openai npm client against a real maas server serving stories260K.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startServer, STORIES } from './server.js';

// ../shared/models/README.md: greedy continuation of "Once upon a time" (30 tokens).
const REFERENCE = ', there was a little girl named Lily. She loved to play outside in the park. One day,';

let server;
let client;

before(async () => {
  server = await startServer(['--model', `stories260K=${STORIES}`]);
  client = new OpenAI({ apiKey: 'unused', baseURL: `${server.baseURL}/v1`, maxRetries: 0 });
});
after(async () => server?.stop());

test('models list names the served model', async () => {
  const list = await client.models.list();
  const ids = list.data.map((m) => m.id);
  assert.ok(ids.includes('stories260K'), JSON.stringify(ids));
  const one = await client.models.retrieve('stories260K');
  assert.equal(one.id, 'stories260K');
  assert.equal(one.object, 'model');
});

test('greedy completion equals the reference continuation', async () => {
  const r = await client.completions.create({
    model: 'stories260K', prompt: 'Once upon a time', max_tokens: 30, temperature: 0,
  });
  assert.equal(r.object, 'text_completion');
  assert.equal(r.choices.length, 1);
  assert.equal(r.choices[0].text, REFERENCE);
  assert.equal(r.choices[0].finish_reason, 'length');
  assert.deepEqual(r.usage, { prompt_tokens: 5, completion_tokens: 30, total_tokens: 35 });
});

test('n=3 with a seed: three choices, reproducible', async () => {
  const params = { model: 'stories260K', prompt: 'Once upon a time', max_tokens: 20, temperature: 1.0, n: 3, seed: 42 };
  const a = await client.completions.create(params);
  const b = await client.completions.create(params);
  assert.equal(a.choices.length, 3);
  assert.deepEqual(a.choices.map((c) => c.index), [0, 1, 2]);
  assert.deepEqual(a.choices.map((c) => c.text), b.choices.map((c) => c.text));
  assert.ok(new Set(a.choices.map((c) => c.text)).size > 1, 'choices should differ from each other');
  assert.equal(a.usage.prompt_tokens, 5);
  assert.equal(a.usage.completion_tokens, 60);
  const c = await client.completions.create({ ...params, seed: 43 });
  assert.notDeepEqual(a.choices.map((x) => x.text), c.choices.map((x) => x.text));
});

test('stop sequence ends the text before it with finish_reason stop', async () => {
  const r = await client.completions.create({
    model: 'stories260K', prompt: 'Once upon a time', max_tokens: 30, temperature: 0, stop: ['Lily'],
  });
  assert.equal(r.choices[0].text, ', there was a little girl named ');
  assert.equal(r.choices[0].finish_reason, 'stop');
});

test('logprobs report the chosen token and the alternatives', async () => {
  const r = await client.completions.create({
    model: 'stories260K', prompt: 'Once upon a time', max_tokens: 3, temperature: 0, logprobs: 2,
  });
  const lp = r.choices[0].logprobs;
  assert.deepEqual(lp.tokens, [',', ' there', ' was']);
  // README: the first token ',' has probability about 0.969, ' there' about 0.029.
  assert.ok(Math.abs(Math.exp(lp.token_logprobs[0]) - 0.969) < 0.01, String(lp.token_logprobs[0]));
  assert.ok(Math.abs(Math.exp(lp.top_logprobs[0][' there']) - 0.029) < 0.01, JSON.stringify(lp.top_logprobs[0]));
  assert.equal(Object.keys(lp.top_logprobs[0]).length, 2);
});

test('echo returns the prompt before the completion', async () => {
  const r = await client.completions.create({
    model: 'stories260K', prompt: 'Once upon a time', max_tokens: 2, temperature: 0, echo: true,
  });
  assert.equal(r.choices[0].text, 'Once upon a time, there');
});

test('streamed completion equals the non-streamed one and reports usage', async () => {
  const stream = await client.completions.create({
    model: 'stories260K', prompt: 'Once upon a time', max_tokens: 30, temperature: 0, stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let finish = null;
  let usage = null;
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      text += c.text;
      if (c.finish_reason) finish = c.finish_reason;
    }
  }
  assert.equal(text, REFERENCE);
  assert.equal(finish, 'length');
  assert.deepEqual(usage, { prompt_tokens: 5, completion_tokens: 30, total_tokens: 35 });
});

test('embeddings are unit vectors, float and base64 agree', async () => {
  const f = await client.embeddings.create({ model: 'stories260K', input: ['Once upon a time', 'Lily'] });
  assert.equal(f.data.length, 2);
  const v = f.data[0].embedding;
  assert.equal(v.length, 64);
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  assert.ok(Math.abs(norm - 1) < 1e-4, String(norm));
  assert.notDeepEqual(f.data[0].embedding, f.data[1].embedding);
  assert.ok(f.usage.prompt_tokens > 0);
  // The client decodes base64 itself when it asked for it.
  const b = await client.embeddings.create({ model: 'stories260K', input: 'Once upon a time', encoding_format: 'base64' });
  const raw = b.data[0].embedding;
  let floats = raw;
  if (typeof raw === 'string') {
    const buf = Buffer.from(raw, 'base64');
    floats = Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4));
  }
  assert.equal(floats.length, 64);
  floats.forEach((x, i) => assert.ok(Math.abs(x - v[i]) < 1e-6));
});

test('errors come back as OpenAI errors the client understands', async () => {
  await assert.rejects(
    client.completions.create({ model: 'no-such-model', prompt: 'x' }),
    (e) => e instanceof OpenAI.NotFoundError && e.status === 404 && /no-such-model/.test(e.message),
  );
  await assert.rejects(
    client.completions.create({ model: 'stories260K', prompt: 'x', temperature: 7 }),
    (e) => e instanceof OpenAI.BadRequestError && e.param === 'temperature',
  );
  await assert.rejects(
    client.completions.create({ model: 'stories260K', prompt: 'x', max_tokens: 100000 }),
    (e) => e instanceof OpenAI.BadRequestError && /context length is 512/.test(e.message),
  );
});

test('16 concurrent streams each equal their single-request output', async () => {
  const prompts = Array.from({ length: 16 }, (_, i) => `${['Once upon a time', 'Lily saw', 'The dog', 'One day'][i % 4]} ${'and '.repeat(i % 3)}`.trim());
  const single = [];
  for (const p of prompts) {
    const r = await client.completions.create({ model: 'stories260K', prompt: p, max_tokens: 24, temperature: 0 });
    single.push(r.choices[0].text);
  }
  const streamed = await Promise.all(prompts.map(async (p) => {
    const stream = await client.completions.create({ model: 'stories260K', prompt: p, max_tokens: 24, temperature: 0, stream: true });
    let text = '';
    for await (const chunk of stream) for (const c of chunk.choices) text += c.text;
    return text;
  }));
  assert.deepEqual(streamed, single);
});

test('a client that disconnects mid-stream frees its sequence slot', async () => {
  const controller = new AbortController();
  const stream = await client.completions.create(
    { model: 'stories260K', prompt: 'Once upon a time', max_tokens: 400, temperature: 0.8, stream: true },
    { signal: controller.signal },
  );
  let seen = 0;
  try {
    for await (const chunk of stream) {
      seen += chunk.choices.length;
      if (seen >= 3) controller.abort();
    }
  } catch (e) {
    assert.ok(e.name === 'APIUserAbortError' || e.name === 'AbortError', e.name);
  }
  let active = -1;
  for (let i = 0; i < 200; i++) {
    const loaded = await (await fetch(`${server.baseURL}/admin/v1/loaded`)).json();
    active = loaded.data[0].stats.active_sequences;
    if (active === 0) break;
    await new Promise((res) => setTimeout(res, 25));
  }
  assert.equal(active, 0);
});

test('the admin view splits scheduler time between forward passes and the rest', async () => {
  const stats = async () => (await (await fetch(`${server.baseURL}/admin/v1/loaded`)).json()).data[0].stats;
  const before = await stats();
  await client.completions.create({ model: 'stories260K', prompt: 'Once upon a time', max_tokens: 20, temperature: 0 });
  const after = await stats();
  assert.ok(after.steps >= before.steps + 20, `${before.steps} -> ${after.steps}`);
  const forward = after.forward_seconds - before.forward_seconds;
  const step = after.step_seconds - before.step_seconds;
  assert.ok(forward > 0, `forward ${forward}`);
  assert.ok(step >= forward, `step ${step} < forward ${forward}`);
  assert.equal(after.packed_weight_bytes, 0);  // stories260K is F32: nothing to pack
});

test('n choices compute their shared prompt once and each equals the single answer', async () => {
  const stats = async () => (await (await fetch(`${server.baseURL}/admin/v1/loaded`)).json()).data[0].stats;
  const before = await stats();
  const r = await client.completions.create({
    model: 'stories260K', prompt: 'Once upon a time', max_tokens: 30, temperature: 0, n: 4,
  });
  const after = await stats();
  assert.equal(r.choices.length, 4);
  for (const c of r.choices) assert.equal(c.text, REFERENCE);
  assert.equal(r.usage.prompt_tokens, 5);
  // 5 prompt tokens for the first choice, then only the last prompt token for each other
  assert.equal(after.prompt_tokens - before.prompt_tokens, 5 + 3);
  // seeded sampling: every choice its own draw, the same on a second call
  const params = { model: 'stories260K', prompt: 'Once upon a time', max_tokens: 20, temperature: 1.0, n: 3, seed: 7 };
  const a = await client.completions.create(params);
  const b = await client.completions.create(params);
  assert.deepEqual(a.choices.map((c) => c.text), b.choices.map((c) => c.text));
  assert.ok(new Set(a.choices.map((c) => c.text)).size > 1, JSON.stringify(a.choices));
});
