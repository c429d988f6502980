import { memo } from "react";
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";

const PLUGINS = [remarkGfm];

/**
 * Agent text as Markdown (GFM tables, lists, code). Raw HTML is skipped, never rendered: the text
 * comes from a model and must not inject markup into the window.
 */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="agent-markdown space-y-2 text-sm leading-relaxed break-words [&_code]:rounded [&_code]:bg-muted [&_code]:px-1 [&_pre]:overflow-x-auto [&_pre]:rounded-lg [&_pre]:bg-muted [&_pre]:p-2 [&_table]:border-collapse [&_td]:border [&_td]:border-border [&_td]:px-2 [&_th]:border [&_th]:border-border [&_th]:px-2 [&_ul]:list-disc [&_ul]:pl-5 [&_ol]:list-decimal [&_ol]:pl-5 [&_a]:underline">
      <ReactMarkdown remarkPlugins={PLUGINS} skipHtml>
        {text}
      </ReactMarkdown>
    </div>
  );
});
