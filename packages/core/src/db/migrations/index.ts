import { Migration20261126195251 } from './Migration20261126195251.js';
import { Migration20261202011106 } from './Migration20261202011106.js';
import { Migration20261202020000 } from './Migration20261202020000.js';
import { Migration20261202120000 } from './Migration20261202120000.js';
import { Migration20261202180000 } from './Migration20261202180000.js';
import { Migration20261202190000 } from './Migration20261202190000.js';

// Every committed migration, in order. Listed explicitly so the built server needs no file globbing.
export const migrationsList = [
  { name: 'Migration20261126195251', class: Migration20261126195251 },
  { name: 'Migration20261202011106', class: Migration20261202011106 },
  { name: 'Migration20261202020000', class: Migration20261202020000 },
  { name: 'Migration20261202120000', class: Migration20261202120000 },
  { name: 'Migration20261202180000', class: Migration20261202180000 },
  { name: 'Migration20261202190000', class: Migration20261202190000 },
];
