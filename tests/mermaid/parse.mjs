// Parses Mermaid flowcharts with the real Mermaid parser and prints what it
// read as JSON, for tests/cli/mermaid.rs:
//
//   {"title": …, "vertices": [{"id", "text"}], "edges": [{"start", "end", "text"}],
//    "subgraphs": [{"id", "title", "nodes"}]}
//
// `node parse.mjs` reads one flowchart from stdin and prints one answer, or
// exits 1 with the parser's message on stderr. `node parse.mjs --batch`
// reads a JSON array of flowcharts and prints an array of answers, each
// `{"error": message}` when its flowchart does not parse (Node and Mermaid
// start once, not once per flowchart).
//
// Texts are decoded the way Mermaid shows them: Mermaid keeps entity codes
// (`#34;`) encoded while parsing and decodes them when it draws, then the
// browser reads the HTML entities; both steps are done here. The title is
// what Mermaid's renderer draws: the flowchart's front matter is rendered
// over a one-node body and the title's text read from the SVG. Mermaid
// wants a DOM; jsdom stands in for the browser, with stubs for the layout
// measurements jsdom cannot make.

import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
for (const key of ['window', 'document', 'CSSStyleSheet', 'Element', 'HTMLElement', 'SVGElement',
  'Node', 'DOMParser', 'XMLSerializer', 'MutationObserver', 'getComputedStyle']) {
  if (globalThis[key] === undefined) {
    globalThis[key] = key === 'window' ? dom.window : dom.window[key];
  }
}
dom.window.SVGElement.prototype.getBBox = () => ({ x: 0, y: 0, width: 80, height: 20 });
dom.window.SVGElement.prototype.getComputedTextLength = () => 80;

const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

// Mermaid's own decodeEntities, then the browser's HTML entity decoding.
const decode = (s) => {
  if (s === undefined || s === null) return null;
  const mermaidDecoded = String(s)
    .replace(/ﬂ°°/g, '&#')
    .replace(/ﬂ°/g, '&')
    .replace(/¶ß/g, ';');
  const area = document.createElement('textarea');
  area.innerHTML = mermaidDecoded;
  return area.value;
};

let renders = 0;

// The title as Mermaid's renderer draws it, or null.
const drawnTitle = async (text) => {
  const match = /^---\n[\s\S]*?\n---\n/.exec(text);
  if (!match) return null;
  renders += 1;
  const { svg } = await mermaid.render(`seccoop${renders}`, `${match[0]}flowchart LR\n  t0["t"]\n`);
  const svgDoc = new JSDOM(svg, { contentType: 'image/svg+xml' }).window.document;
  const title = svgDoc.querySelector('.flowchartTitleText');
  return title ? title.textContent : null;
};

const read = async (text) => {
  await mermaid.parse(text);
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db;
  return {
    title: await drawnTitle(text),
    vertices: [...db.getVertices().values()].map((v) => ({ id: v.id, text: decode(v.text) })),
    edges: db.getEdges().map((e) => ({ start: e.start, end: e.end, text: decode(e.text) })),
    subgraphs: db.getSubGraphs().map((s) => ({ id: s.id, title: decode(s.title), nodes: s.nodes })),
  };
};

// Decoded once at the end: a character can straddle two chunks.
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = Buffer.concat(chunks).toString('utf8');

if (process.argv.includes('--batch')) {
  const answers = [];
  for (const text of JSON.parse(input)) {
    try {
      answers.push(await read(text));
    } catch (e) {
      answers.push({ error: String(e.message) });
    }
  }
  process.stdout.write(JSON.stringify(answers));
} else {
  try {
    process.stdout.write(JSON.stringify(await read(input)));
  } catch (e) {
    process.stderr.write(`mermaid could not parse the text: ${e.message}\n`);
    process.exit(1);
  }
}
