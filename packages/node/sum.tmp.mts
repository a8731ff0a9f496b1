import { summarizeCpuProfile } from "./bench/cpu-profile.ts";
for (const f of process.argv.slice(2)) { const s = await summarizeCpuProfile(f, 15); console.log(f, JSON.stringify(s, null, 1).slice(0, 3000)); }
