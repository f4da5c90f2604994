import { containsPhrase, normalize, stem } from './text.ts';

/**
 * Kinds of documents people ask for, each with its words in five languages and the names of the
 * site sections where such documents usually live. Words are in normal form; plurals are matched
 * through `stem()`.
 */
export interface Concept {
  key: string;
  words: readonly string[];
  sections: readonly string[];
}

export const CONCEPTS: readonly Concept[] = [
  {
    key: 'invoice',
    words: ['invoice', 'bill', 'factura', 'facture', 'rechnung', 'fatura', 'nota fiscal'],
    sections: [
      'billing',
      'payments',
      'payment history',
      'facturacion',
      'pagos',
      'facturation',
      'paiements',
      'abrechnung',
      'zahlungen',
      'faturamento',
      'pagamentos',
      'cobranca',
    ],
  },
  {
    key: 'statement',
    words: ['statement', 'extracto', 'estado de cuenta', 'releve', 'kontoauszug', 'extrato'],
    sections: ['accounts', 'account', 'cuentas', 'comptes', 'konten', 'contas', 'banking'],
  },
  {
    key: 'receipt',
    words: ['receipt', 'recibo', 'recu', 'quittung', 'beleg', 'comprovante'],
    sections: ['orders', 'order history', 'purchases', 'pedidos', 'commandes', 'bestellungen'],
  },
  {
    key: 'report',
    words: ['report', 'informe', 'reporte', 'rapport', 'bericht', 'relatorio'],
    sections: ['reports', 'analytics', 'informes', 'rapports', 'berichte', 'relatorios'],
  },
  {
    key: 'contract',
    words: ['contract', 'agreement', 'contrato', 'contrat', 'vertrag'],
    sections: ['contracts', 'agreements', 'legal', 'contratos', 'contrats', 'vertrage'],
  },
  {
    key: 'order',
    words: ['order', 'pedido', 'commande', 'bestellung', 'encomenda'],
    sections: ['orders', 'order history', 'pedidos', 'commandes', 'bestellungen'],
  },
  {
    key: 'document',
    words: [
      'document',
      'documento',
      'dokument',
      'dokumente',
      'dokumenten',
      'unterlagen',
      'file',
      'archivo',
      'fichier',
      'datei',
      'dateien',
      'arquivo',
      'ficheiro',
    ],
    sections: ['documents', 'files', 'downloads', 'library', 'documentos', 'fichiers', 'dateien'],
  },
];

/** Sections worth opening whatever the goal names, when nothing better is on the page. */
export const GENERIC_SECTIONS = [
  'documents',
  'downloads',
  'files',
  'my account',
  'account',
  'descargas',
  'telechargements',
  'downloads',
  'dokumente',
  'arquivos',
];

/** True when a word (normal form) is one of the concept's words, plurals included. */
function matchesWord(concept: Concept, word: string): boolean {
  const stemmed = stem(word);

  return concept.words.some((candidate) => stem(candidate) === stemmed);
}

/** The concepts named in a text, in the order of the concept list. */
export function conceptsIn(text: string): Concept[] {
  const normal = normalize(text);
  const found = new Set<Concept>();
  for (const word of normal.split(' ')) {
    for (const concept of CONCEPTS) if (matchesWord(concept, word)) found.add(concept);
  }
  for (const concept of CONCEPTS) {
    const phrases = concept.words.filter((w) => w.includes(' '));
    if (phrases.some((phrase) => containsPhrase(normal, phrase))) found.add(concept);
  }

  return CONCEPTS.filter((concept) => found.has(concept));
}

/** True when the (normal) text mentions the concept, by one of its words or plural forms. */
export function mentionsConcept(normalText: string, key: string): boolean {
  const concept = CONCEPTS.find((c) => c.key === key);
  if (!concept) return false;
  if (normalText.split(' ').some((word) => matchesWord(concept, word))) return true;

  return concept.words.some((w) => w.includes(' ') && containsPhrase(normalText, w));
}

/** True when the (normal) text names a section where the concept's documents live. */
export function namesSectionOf(normalText: string, key: string): boolean {
  const concept = CONCEPTS.find((c) => c.key === key);

  return concept ? concept.sections.some((s) => containsPhrase(normalText, s)) : false;
}
