export { Coordinator } from './cluster/coordinator.js';
