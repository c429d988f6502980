// SDK messages → normalised items (§2.5).
//
// The UI and the transcripts read these items instead of raw SDK shapes, so an
// SDK upgrade changes this file only. One `Normalizer` lives per session: it
// remembers which message ids were seen (usage snapshots) and the last init
// (the SDK repeats `system/init` every turn).

import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import type { Item, NoticeItem, TruncatedInput } from './protocol.js';

export const MAX_ITEM_BYTES = 16 * 1024;
export const MAX_SDK_BYTES = 8 * 1024 * 1024;

/** Loosely typed view of content blocks: the SDK's own types are deep unions. */
type Block = Record<string, unknown>;

/** System subtypes that map to items or progress elsewhere, or are pure noise. */
const QUIET_SYSTEM_SUBTYPES = new Set([
  'init',
  'api_retry',
  'status',
  'compact_boundary',
  'permission_denied',
  'hook_started',
  'hook_progress',
  'hook_response',
  'session_state_changed',
  'thinking_tokens',
  'commands_changed',
  'files_persisted',
]);

export class Normalizer {
  private readonly seenMessageIds = new Set<string>();
  private lastInit: string | null = null;

  normalize(msg: SDKMessage): Item[] {
    switch (msg.type) {
      case 'assistant':
        return this.assistant(msg.message as unknown as Block, msg.parent_tool_use_id);
      case 'user':
        return userItems(msg as unknown as Block);
      case 'system':
        return this.system(msg as unknown as Block);
      default:
        return [];
    }
  }

  private assistant(message: Block, parent: string | null): Item[] {
    const items: Item[] = [];
    const messageId = str(message.id);
    const usage = obj(message.usage);
    // One SDK message per content block, all sharing message.id: the first one
    // carries the message_start usage that feeds the context meter.
    if (messageId !== '' && usage && !this.seenMessageIds.has(messageId)) {
      this.seenMessageIds.add(messageId);
      items.push({
        kind: 'usage_snapshot',
        message_id: messageId,
        input_tokens: num(usage.input_tokens),
        cache_read_input_tokens: num(usage.cache_read_input_tokens),
        cache_creation_input_tokens: num(usage.cache_creation_input_tokens),
      });
    }
    for (const block of blocks(message.content)) {
      switch (block.type) {
        case 'text':
          items.push({ kind: 'text', message_id: messageId, text: str(block.text), parent_tool_use_id: parent });
          break;
        case 'thinking':
          items.push({
            kind: 'thinking',
            message_id: messageId,
            text: str(block.thinking),
            redacted: false,
            parent_tool_use_id: parent,
          });
          break;
        case 'redacted_thinking':
          items.push({ kind: 'thinking', message_id: messageId, text: '', redacted: true, parent_tool_use_id: parent });
          break;
        case 'tool_use':
        case 'server_tool_use':
          items.push({
            kind: 'tool_use',
            message_id: messageId,
            tool_use_id: str(block.id),
            name: str(block.name),
            input: capInput(block.input),
            parent_tool_use_id: parent,
          });
          break;
        default:
          break;
      }
    }
    return items;
  }

  private system(msg: Block): Item[] {
    const subtype = str(msg.subtype);
    switch (subtype) {
      case 'init': {
        const item: Item = {
          kind: 'system_init',
          sdk_session_id: str(msg.session_id),
          model: str(msg.model),
          cwd: str(msg.cwd),
          tools: Array.isArray(msg.tools) ? msg.tools.map(String) : [],
          permission_mode: str(msg.permissionMode),
          claude_code_version: str(msg.claude_code_version),
        };
        const key = JSON.stringify(item);
        if (key === this.lastInit) return []; // identical repeat; the raw line keeps it
        this.lastInit = key;
        return [item];
      }
      case 'compact_boundary': {
        const meta = obj(msg.compact_metadata) ?? {};
        return [{ kind: 'compaction', trigger: str(meta.trigger), pre_tokens: num(meta.pre_tokens) }];
      }
      case 'permission_denied':
        return [
          {
            kind: 'permission_denied',
            tool: str(msg.tool_name),
            reason: str(msg.message) || str(msg.decision_reason) || 'denied',
          },
        ];
      default:
        if (QUIET_SYSTEM_SUBTYPES.has(subtype)) return [];
        return [notice('info', `system/${subtype}`)];
    }
  }
}

function userItems(msg: Block): Item[] {
  const message = obj(msg.message);
  if (!message) return [];
  const parent = typeof msg.parent_tool_use_id === 'string' ? msg.parent_tool_use_id : null;
  const content = message.content;
  if (typeof content === 'string') return interruptNotice(content);
  const items: Item[] = [];
  const toolUseResult = msg.tool_use_result;
  for (const block of blocks(content)) {
    if (block.type === 'tool_result') {
      const { text, truncated } = capText(resultText(block.content));
      const item: Item = {
        kind: 'tool_result',
        tool_use_id: str(block.tool_use_id),
        is_error: block.is_error === true,
        text,
        truncated,
      };
      const file = filePathOf(toolUseResult);
      if (file) item.file_path = file;
      if (parent) item.parent_tool_use_id = parent;
      items.push(item);
    } else if (block.type === 'text') {
      items.push(...interruptNotice(str(block.text)));
    }
  }
  return items;
}

/** `[Request interrupted by user]` is the SDK's echo of our interrupt. */
function interruptNotice(text: string): NoticeItem[] {
  return text.startsWith('[Request interrupted') ? [notice('info', text)] : [];
}

/** `tool_use_result` is an object on success and a string on failure or denial. */
function filePathOf(result: unknown): string | null {
  const r = obj(result);
  if (!r) return null;
  if (typeof r.filePath === 'string') return r.filePath;
  const file = obj(r.file);
  if (file && typeof file.filePath === 'string') return file.filePath;
  return null;
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  return blocks(content)
    .map((b) => (b.type === 'text' ? str(b.text) : `[${str(b.type)}]`))
    .join('\n');
}

export function notice(level: NoticeItem['level'], text: string): NoticeItem {
  return { kind: 'notice', level, text };
}

/** Tool inputs are cut at 16 KiB of JSON (§2.1). */
export function capInput(input: unknown): unknown {
  const json = JSON.stringify(input ?? {});
  if (Buffer.byteLength(json, 'utf8') <= MAX_ITEM_BYTES) return input ?? {};
  const preview: TruncatedInput = { _truncated: true, preview: truncateUtf8(json, MAX_ITEM_BYTES) };
  return preview;
}

export function capText(text: string): { text: string; truncated: boolean } {
  if (Buffer.byteLength(text, 'utf8') <= MAX_ITEM_BYTES) return { text, truncated: false };
  return { text: truncateUtf8(text, MAX_ITEM_BYTES), truncated: true };
}

/** Cuts to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to a character boundary.
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return buf.subarray(0, end).toString('utf8');
}

/** A raw SDK message over 8 MiB is replaced by its size (§2.1). */
export function capSdkMessage(msg: unknown): unknown {
  const bytes = Buffer.byteLength(JSON.stringify(msg), 'utf8');
  return bytes > MAX_SDK_BYTES ? { _omitted_bytes: bytes } : msg;
}

function blocks(content: unknown): Block[] {
  return Array.isArray(content) ? content.filter((b): b is Block => typeof b === 'object' && b !== null) : [];
}

function obj(v: unknown): Block | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Block) : null;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
