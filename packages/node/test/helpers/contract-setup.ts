/** Vitest setup file: hold every fetched response of the node suite to openapi.json. */
import { installContractCheck } from './openapi-contract.js';

installContractCheck();
