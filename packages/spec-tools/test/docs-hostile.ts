/**
 * A spec written to attack the page its docs become: raw HTML, script-bearing links and images,
 * attribute breakouts, an unclosed code fence, headings at every level. Shared by docs.test.ts
 * (the generated text) and docs-browser.test.ts (what a browser does with it).
 */
import type { LoadedSpec } from "../src/load.js";

/** Link targets that must stay text (never an `href`/`src`). */
export const refusedLinks = [
  "[js](javascript:alert(1))",
  "[mixed case](JaVaScRiPt:alert(1))",
  "[entity](&#106;avascript:alert(1))",
  "[tab entity](java&#x09;script:alert(1))",
  "[vb](vbscript:msgbox(1))",
  "[file](file:///etc/passwd)",
  "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "![pixel](data:image/png;base64,iVBORw0KGgo=)",
  "<javascript:alert(1)>",
];

/** Link targets that stay links, with the `href` each must keep. */
export const keptLinks: [source: string, href: string][] = [
  ["[site](https://example.org/a?b=1)", "https://example.org/a?b=1"],
  ["[plain](http://example.org/)", "http://example.org/"],
  ["[mail](mailto:standards@example.gov.cn)", "mailto:standards@example.gov.cn"],
  ["[relative](./catalog.html)", "./catalog.html"],
  ["[anchor](#getThing)", "#getThing"],
  ["[colon after path](./a:b)", "./a:b"],
];

export const hostileDescription = [
  "开头 <script>window.__pwned = 1; alert('script')</script> 结尾",
  "",
  '<img src="x" onerror="window.__pwned = 2; alert(\'img\')">',
  "",
  '<a href="javascript:alert(1)">raw anchor</a> <iframe src="https://example.org"></iframe>',
  "",
  "# 敌意标题 <b onclick=alert(1)>Hostile</b>",
  "",
  ...refusedLinks.map((l) => `- ${l}`),
  "",
  ...keptLinks.map(([l]) => `- ${l}`),
  "",
  '[title breakout](https://example.org "x\\" onmouseover=\\"alert(1)")',
  "",
  "## 小节 · Section",
  "",
  "Setext title",
  "============",
  "",
  `${"> ".repeat(3000)}deeply quoted`,
].join("\n");

/** An OpenAPI 3.1 document whose every description and name is hostile. */
export const hostileSpec: LoadedSpec = {
  kind: "openapi",
  path: "hostile.yaml",
  version: "1.0.0",
  document: {
    openapi: "3.1.0",
    info: {
      title: 'Hostile <script>alert("title")</script>',
      version: "1.0.0",
      description: hostileDescription,
    },
    paths: {
      "/things/{id}": {
        get: {
          operationId: 'getThing" onmouseover="alert(1)',
          summary: "读取 <img src=x onerror=alert(1)>",
          description:
            "### 注意 · Notes\n\nText with `<code>`.\n\n```html\n<script>alert('fence')</script>\nunclosed",
          parameters: [
            {
              name: "id",
              in: "path",
              required: true,
              schema: { type: "string" },
              description: "<script>alert('param')</script>\n\n- one\n- two",
            },
          ],
          responses: {
            "200": { description: "## OK heading in a cell\n\n[js](javascript:alert(1))" },
          },
        },
      },
    },
  },
};
