import { defineConfig } from 'tsup';
import { modulePerSourceBuild } from '../../tsup.shared.js';

export default defineConfig(modulePerSourceBuild);
