import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

// Served by the node under /console/ with a CSP that allows no inline script: Vite emits only
// external module scripts; the module-preload polyfill (an inline-free chunk) is not needed by
// the browsers the console supports (Ed25519 in Web Crypto needs Chromium 113+/Firefox 129+).
export default defineConfig({
  base: "/console/",
  plugins: [vue()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
  resolve: { conditions: ["@govex/source"] },
});
