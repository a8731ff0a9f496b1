/**
 * @module The govex exchange node's web console: a Vue 3 single-page app served by the node at
 * /console, every call signed in the browser (RFC 9421).
 */
import { createApp } from "vue";
import App from "./App.vue";
import { lang } from "./i18n.js";
import "./style.css";

document.documentElement.lang = lang.value;
createApp(App).mount("#app");
