#!/usr/bin/env node
// Thin launcher: the compiled entry point does everything; nothing heavy is imported here.
import "../dist/cli/main.js";
