import { CONCEPTS } from './concepts.ts';
import { stem } from './text.ts';

/**
 * Common words of download goals in Spanish, French, German and Portuguese, mapped to English,
 * so that a goal in one language finds a link written in another ("el anexo" finds "Annex").
 * Keys and values are stems in normal form.
 */
const TRANSLATIONS: Record<string, readonly string[]> = {
  summary: ['resumen', 'resume', 'zusammenfassung', 'resumo', 'overview'],
  annex: ['anexo', 'annexe', 'anhang', 'appendix', 'attachment', 'adjunto', 'piece jointe'],
  list: ['lista', 'liste'],
  user: ['usuario', 'utilisateur', 'benutzer', 'nutzer'],
  customer: ['cliente', 'client', 'kunde', 'kunden'],
  activation: ['activacion', 'aktivierung', 'ativacao'],
  code: ['codigo'],
  tool: ['herramienta', 'outil', 'werkzeug', 'ferramenta'],
  episode: ['episodio', 'folge'],
  bundle: ['paquete', 'pack', 'paket', 'pacote', 'package'],
  complete: ['completo', 'complet', 'komplett', 'vollstandig', 'full', 'entire', 'whole'],
  extract: ['extracto', 'extrait', 'auszug', 'extrato', 'extrakt'],
  data: ['dato', 'donnee', 'daten', 'dado'],
  analysis: ['analisi', 'analyse', 'analise'],
  library: ['biblioteca', 'bibliotheque', 'bibliothek'],
  export: ['exportacion', 'exportation', 'exportacao'],
};

const CANONICAL = new Map<string, string>();
for (const concept of CONCEPTS) {
  for (const word of concept.words) if (!word.includes(' ')) CANONICAL.set(stem(word), concept.key);
}
for (const [english, words] of Object.entries(TRANSLATIONS)) {
  CANONICAL.set(stem(english), stem(english));
  for (const word of words) CANONICAL.set(stem(word), stem(english));
}

/** Known words, longest first, for splitting German compounds ("Benutzerliste"). */
const PARTS = [...CANONICAL.keys()]
  .filter((k) => k.length >= 4)
  .sort((a, b) => b.length - a.length);

/**
 * The English stems a word stands for: itself stemmed, translated when known, and the parts of a
 * compound made of known words ("kundenliste" gives "customer" and "list").
 */
export function canonicalWords(word: string): string[] {
  const stemmed = stem(word);
  const known = CANONICAL.get(stemmed);
  if (known) return [known];
  const head = PARTS.find((p) => stemmed.startsWith(p) && stemmed.length - p.length >= 4);
  if (head) {
    const rest = stemmed.slice(head.length).replace(/^s(?=[a-z]{4})/, '');
    const tail = CANONICAL.get(stem(rest));
    if (tail) return [CANONICAL.get(head)!, tail];
  }

  return [stemmed];
}

/** The canonical stems of every word of a normal-form text. */
export function canonicalText(normalText: string): string[] {
  return normalText.split(' ').flatMap(canonicalWords);
}
