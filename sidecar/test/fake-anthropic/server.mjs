// A fake Anthropic Messages API on 127.0.0.1 (agent-sdk-offline.md §4).
//
// Plain ESM on node:http, no dependencies. Tests import `startFakeAnthropic`;
// Rust tests can run it as a CLI: `node server.mjs [scenario]` prints
// `listening <port>` and serves until killed.
//
// A script is an array of replies (consumed in order) or a function
// `(req) => reply` where req = { body, turn, text, toolResults, prompt, sessionId }.
// `turn` counts requests (retries too) per X-Claude-Code-Session-Id.

import http from 'node:http';
import { pathToFileURL } from 'node:url';

// ---------------------------------------------------------------------------
// Reply builders
// ---------------------------------------------------------------------------

export const text = (t) => ({ type: 'text', text: t });
export const thinking = (t) => ({ type: 'thinking', thinking: t });
export const toolUse = (name, input) => ({ type: 'tool_use', name, input });
/** A model message made of content blocks. */
export const message = (...content) => ({ kind: 'message', content });
/** An HTTP error with an Anthropic-style body; `retryAfter` in seconds. */
export const failure = (status, type = 'api_error', retryAfter) => ({ kind: 'error', status, type, retryAfter });
/** Streams a short text message and destroys the socket after `afterEvents` events. */
export const cut = (afterEvents = 2) => ({ kind: 'cut', afterEvents, content: [text('partial answer')] });
/** Never answers. */
export const hang = () => ({ kind: 'hang' });
/** Like `message`, but each SSE event is delayed by `delayMs` (to cancel mid-stream). */
export const slow = (delayMs, ...content) => ({ kind: 'message', content, delayMs });

// ---------------------------------------------------------------------------
// Request helpers
// ---------------------------------------------------------------------------

/** The last user message's last text block and its tool_result blocks. */
export function lastUserTurn(body) {
  const users = (body.messages ?? []).filter((m) => m.role === 'user');
  const last = users.at(-1);
  return { text: lastText(last), toolResults: blocksOf(last).filter((b) => b.type === 'tool_result') };
}

/** The prompt: the LAST text block of the FIRST user message (system reminders come first). */
export function firstPrompt(body) {
  const first = (body.messages ?? []).find((m) => m.role === 'user');
  return lastText(first);
}

function blocksOf(msg) {
  if (!msg) return [];
  return typeof msg.content === 'string' ? [{ type: 'text', text: msg.content }] : (msg.content ?? []);
}

function lastText(msg) {
  const texts = blocksOf(msg).filter((b) => b.type === 'text');
  return texts.at(-1)?.text ?? '';
}

// ---------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------

export async function startFakeAnthropic(script, { log = false } = {}) {
  const requests = [];
  const turns = new Map();
  const sockets = new Set();
  let ids = 0;
  const nextId = (prefix) => `${prefix}_fake${String(++ids).padStart(6, '0')}`;

  const server = http.createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const sessionId = req.headers['x-claude-code-session-id'] ?? '';
    const entry = { method: req.method, path, sessionId, stream: null, apiKey: req.headers['x-api-key'] ?? null };
    requests.push(entry);
    if (log) process.stderr.write(`[fake] ${req.method} ${req.url}\n`);

    const fail = (status, type, msg, retryAfter) => {
      const headers = { 'content-type': 'application/json' };
      if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
      res.writeHead(status, headers);
      res.end(JSON.stringify({ type: 'error', error: { type, message: msg } }));
    };
    if (req.method !== 'POST' || path !== '/v1/messages') return fail(404, 'not_found_error', `no route ${path}`);

    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return fail(400, 'invalid_request_error', 'fake: body is not JSON');
    }
    entry.stream = body.stream === true;
    entry.body = body;
    const turn = turns.get(sessionId) ?? 0;
    turns.set(sessionId, turn + 1);
    const reply =
      typeof script === 'function'
        ? script({ body, turn, sessionId, prompt: firstPrompt(body), ...lastUserTurn(body) })
        : script.shift();
    entry.reply = reply?.kind ?? null;
    if (!reply) {
      entry.unexpected = true;
      return fail(500, 'api_error', 'fake: script exhausted');
    }
    if (reply.kind === 'hang') return;
    if (reply.kind === 'error') return fail(reply.status, reply.type, `fake ${reply.status}`, reply.retryAfter);

    const content = materialise(reply.content, nextId);
    if (!entry.stream) return writeJson(res, body.model, content, nextId('msg'));

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const events = sseEvents(body.model, content, nextId('msg'));
    for (const [i, [name, data]] of events.entries()) {
      if (reply.kind === 'cut' && i === reply.afterEvents) return res.socket?.destroy();
      if (reply.delayMs) await sleep(reply.delayMs);
      if (res.destroyed) return;
      res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    }
    res.end();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    /** Requests that were model turns (POST /v1/messages). */
    messageRequests: () => requests.filter((r) => r.method === 'POST' && r.path === '/v1/messages'),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Gives tool_use blocks unique ids (the CLI matches tool_result ids to them). */
function materialise(content, nextId) {
  return content.map((b) => (b.type === 'tool_use' ? { id: nextId('toolu'), ...b } : b));
}

const usage = (content) => ({
  input_tokens: 50,
  output_tokens: 0,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  _out: 10 + content.length * 12,
});

function sseEvents(model, content, id) {
  const u = usage(content);
  const stopReason = content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
  const { _out, ...startUsage } = u;
  const events = [
    [
      'message_start',
      {
        type: 'message_start',
        message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: startUsage },
      },
    ],
    ['ping', { type: 'ping' }],
  ];
  content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
      // Two deltas, so coalescing is exercised.
      const half = Math.ceil(block.text.length / 2);
      for (const part of [block.text.slice(0, half), block.text.slice(half)]) {
        if (part) events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: part } }]);
      }
    } else if (block.type === 'thinking') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }]);
      events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: block.thinking } }]);
      events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: 'fake-signature' } }]);
    } else if (block.type === 'tool_use') {
      events.push([
        'content_block_start',
        { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } },
      ]);
      events.push([
        'content_block_delta',
        { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } },
      ]);
    }
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  events.push([
    'message_delta',
    { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: _out } },
  ]);
  events.push(['message_stop', { type: 'message_stop' }]);
  return events;
}

function writeJson(res, model, content, id) {
  const u = usage(content);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: content.map((b) => (b.type === 'thinking' ? { ...b, signature: 'fake-signature' } : b)),
      stop_reason: content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: u.input_tokens, output_tokens: u._out },
    }),
  );
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------
// Scenarios for CLI use (Rust full-stack tests)
// ---------------------------------------------------------------------------

export const scenarios = {
  /** Plain text answer to every turn. */
  text: () => message(text('done')),
  /** Write round trip: Write hello.txt, then "done" after the tool_result. */
  write: (req) =>
    req.toolResults.length > 0 ? message(text('done')) : message(text('Writing the file.'), toolUse('Write', { file_path: 'hello.txt', content: 'hello\n' })),
  'error-500': () => failure(500, 'api_error'),
  'error-429': () => failure(429, 'rate_limit_error', 0),
  'error-401': () => failure(401, 'authentication_error'),
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const name = process.argv[2] ?? 'write';
  const script = scenarios[name];
  if (!script) {
    process.stderr.write(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}\n`);
    process.exit(2);
  }
  const fake = await startFakeAnthropic(script, { log: true });
  process.stdout.write(`listening ${fake.port}\n`);
  const stop = () => fake.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
