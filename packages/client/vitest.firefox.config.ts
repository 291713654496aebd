import { browserConfig } from './vitest.browser.config.js';

export default browserConfig('firefox');
