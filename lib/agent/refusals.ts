import { describeMissing, describeWanted } from './describe.ts';
import type { Goal } from './goal.ts';
import { sentenceWith } from './page.ts';
import { firstFound, normalize } from './text.ts';

/** Pages that say the wanted thing does not exist or may not be had. */

const ABSENT = [
  'not found',
  'no such',
  'does not exist',
  'doesn t exist',
  'do not exist',
  'no longer available',
  'not available',
  'no results',
  'no matching',
  'nothing found',
  'could not be found',
  'cannot be found',
  'no encontrado',
  'no encontrada',
  'no existe',
  'no disponible',
  'sin resultados',
  'introuvable',
  'n existe pas',
  'aucun resultat',
  'nicht gefunden',
  'existiert nicht',
  'nicht verfugbar',
  'keine ergebnisse',
  'nao encontrado',
  'nao encontrada',
  'nao existe',
  'indisponivel',
  'nenhum resultado',
];

const DENIED = [
  'access denied',
  'forbidden',
  'not authorized',
  'not authorised',
  'unauthorized',
  'permission denied',
  'do not have permission',
  'don t have permission',
  'not allowed to',
  'acceso denegado',
  'no autorizado',
  'sin permiso',
  'acces refuse',
  'acces interdit',
  'non autorise',
  'zugriff verweigert',
  'nicht berechtigt',
  'keine berechtigung',
  'acesso negado',
  'nao autorizado',
  'sem permissao',
];

/**
 * "No documents found", "You have no invoices yet", "Keine Dokumente vorhanden": a negation, a
 * word for documents within two words of it, and a word saying there are none to show. Without
 * that last word ("No overdue invoices") the page may still lead to the documents.
 */
const NONE_OF_THEM = new RegExp(
  '\\b(no|none|zero|keine|keinen|kein|aucun|aucune|ningun|ninguna|nenhum|nenhuma)' +
    '(\\s+\\w+){0,2}\\s+(documents?|invoices?|files?|statements?|reports?|records?|receipts?|' +
    'downloads?|dokumente|rechnungen|dateien|berichte|belege|factures?|fichiers?|rapports?|' +
    'releves?|facturas?|archivos?|documentos?|informes?|faturas?|arquivos?|relatorios?|recibos?)' +
    '\\s+(found|yet|available|to show|to display|vorhanden|gefunden|verfugbar|trouves?|' +
    'disponibles?|encontrad[oa]s?|disponive(l|is))\\b',
);

/** Only the head of a page speaks for the whole page; a long page mentioning "not found" does not. */
const HEAD_CHARS = 600;

/**
 * A reason naming what was looked for when the page (or a dialog) says it does not exist or is
 * denied; null when it says neither.
 */
export function pageRefusal(text: string, goal: Goal): string | null {
  const head = text.slice(0, HEAD_CHARS);
  const normal = normalize(head);
  const wanted = describeWanted(goal);
  // A bare status code speaks only on a page that says little else ("403", "Error 404").
  const terse = normal.split(' ').length <= 12;
  const denied = firstFound(normal, DENIED) ?? (terse && /\b403\b/.test(head) ? '403' : null);
  if (denied) {
    const said = sentenceWith(head, denied) ?? denied;

    return `Access to ${wanted} is denied: the site says "${said}".`;
  }
  const absent =
    firstFound(normal, ABSENT) ??
    NONE_OF_THEM.exec(normal)?.[0] ??
    (terse && /\b404\b/.test(head) ? '404' : null);
  if (absent) {
    const said = sentenceWith(head, absent) ?? absent;

    return `The site has no ${describeMissing(goal)}: it says "${said}".`;
  }

  return null;
}
