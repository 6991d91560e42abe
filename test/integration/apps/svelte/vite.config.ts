import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

// The API is a server of its own (Express, Hono, node:http) answering with toResponse(); Vite forwards /api to it.
const api = process.env.API_ORIGIN ?? "http://localhost:3001";

export default defineConfig({
  plugins: [svelte()],
  server: { proxy: { "/api": api } },
  preview: { proxy: { "/api": api } },
});
