// The API is a server of its own (Express, Hono, node:http) answering with toResponse(); ng serve forwards /api to it.
export default {
  "/api": { target: process.env.API_ORIGIN ?? "http://localhost:3001" },
};
