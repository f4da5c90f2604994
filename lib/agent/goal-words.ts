import {
  ALL_WORDS,
  DOWNLOAD_WORDS,
  EXPORT_WORDS,
  FILE_KINDS,
  LATEST_WORDS,
  MONTHS,
  NUMBER_WORDS,
  PRINT_WORDS,
} from './lexicon.ts';
import { canonicalWords } from './synonyms.ts';
import { containsPhrase, normalize } from './text.ts';

/** Words that carry no meaning for finding a document, in the five supported languages. */
const STOP_WORDS = new Set([
  ...'the a an my our your me us i we for from of to in on at as with and or this that these those please it its is are be can could would you by via into only just then also both here there which one'.split(
    ' ',
  ),
  ...'el la los las un una uno mi mis tu tus su sus de del para por con y o al en que me lo este esta estos estas favor'.split(
    ' ',
  ),
  ...'le les des du un une mon ma mes ton ta tes son sa ses pour avec et ou au aux en que moi ce cette ces sur dans sil vous plait'.split(
    ' ',
  ),
  ...'der die das den dem des ein eine einen einem mein meine meinen fur von mit und oder im am zum zur bitte mir vom'.split(
    ' ',
  ),
  ...'o a os as um uma meu minha meus minhas para com e do da dos das no na nos nas em por favor'.split(
    ' ',
  ),
  ...'page site website portal pagina seite file files document documents'.split(' '),
  // The generic words for "document" and "file" in the other languages: they name no document.
  ...'documento documentos dokument dokumente dokumenten unterlagen archivo archivos fichier fichiers datei dateien arquivo arquivos ficheiro ficheiros'.split(
    ' ',
  ),
  ...'month months year years s mes meses mois monat monate ano anos annee jahr jahre'.split(' '),
  ...'mais recente reciente recent plus aktuell most'.split(' '),
  ...'herunter runter an auf'.split(' '),
  // French elisions: "l'annexe", "d'activation".
  ...'l d j qu n m c s'.split(' '),
  ...'quarter trimestre quartal first second third fourth'.split(' '),
  ...'quoted selected seleccionados selectionnes ausgewahlten selecionados copy copia'.split(' '),
]);

const MONTH_WORDS = new Set(MONTHS.flat());
const KIND_WORDS = new Set(Object.values(FILE_KINDS).flat());

/** True when the word (normal form) only says what to do, how many, or when. */
export function isFunctionWord(word: string): boolean {
  return (
    STOP_WORDS.has(word) ||
    DOWNLOAD_WORDS.includes(word) ||
    EXPORT_WORDS.includes(word) ||
    PRINT_WORDS.includes(word) ||
    ALL_WORDS.includes(word) ||
    LATEST_WORDS.includes(word) ||
    word in NUMBER_WORDS ||
    MONTH_WORDS.has(word) ||
    KIND_WORDS.has(word) ||
    /^(19|20)\d\d$/.test(word) ||
    /^[qt][1-4]$/.test(word)
  );
}

/** The words of a phrase that name what is wanted, stemmed ("invoices" gives "invoice"). */
export function contentWords(text: string): string[] {
  const out: string[] = [];
  for (const word of normalize(text).split(' ')) {
    if (word === '' || isFunctionWord(word) || /\d/.test(word)) continue;
    for (const canonical of canonicalWords(word)) if (!out.includes(canonical)) out.push(canonical);
  }

  return out;
}

/** File kinds named in a text ("as a PDF", "to Excel"), by usual extension. */
export function fileKindsIn(normalText: string): string[] {
  return Object.entries(FILE_KINDS)
    .filter(([, names]) => names.some((name) => containsPhrase(normalText, name)))
    .map(([kind]) => kind);
}
