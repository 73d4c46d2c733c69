export * from './agent-link-server.js';
