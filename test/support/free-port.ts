export { freePort } from '../../platform/src/free-port.js';
