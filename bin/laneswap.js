#!/usr/bin/env node
// The `laneswap` command: runs the TypeScript CLI (scripts/laneswap.ts) through tsx's loader, so nothing needs
// compiling first. Works from `npx laneswap` in the repository and from a global or linked install.
import { register } from "tsx/esm/api";

register();
await import("../scripts/laneswap.ts");
