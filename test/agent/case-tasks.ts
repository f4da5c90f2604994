import { startC01Site } from '../fixtures/cases/c01.ts';
import { startC02Site } from '../fixtures/cases/c02.ts';
import { startC03Site } from '../fixtures/cases/c03.ts';
import { startC04Site } from '../fixtures/cases/c04.ts';
import { startC05Site } from '../fixtures/cases/c05.ts';
import { startC07Site } from '../fixtures/cases/c07.ts';
import { startC08Site } from '../fixtures/cases/c08.ts';
import { startC11Site } from '../fixtures/cases/c11.ts';
import { startC13Site } from '../fixtures/cases/c13.ts';
import { startC15Site } from '../fixtures/cases/c15.ts';
import { startC16Site } from '../fixtures/cases/c16.ts';
import { startC19Site } from '../fixtures/cases/c19.ts';
import { startC20Site } from '../fixtures/cases/c20.ts';
import { startC23Site } from '../fixtures/cases/c23.ts';
import { startC25Site } from '../fixtures/cases/c25.ts';
import { startC29Site } from '../fixtures/cases/c29.ts';
import { startC30Site } from '../fixtures/cases/c30.ts';
import { startC31Site } from '../fixtures/cases/c31.ts';
import { startC32Site } from '../fixtures/cases/c32.ts';
import { startC35Site } from '../fixtures/cases/c35.ts';
import type { CaseSite } from '../fixtures/cases/case-site.ts';

/**
 * The planner's tasks on the case sites of cases.md: each case's own goal (from its fixture),
 * four other phrasings, and the minimum number of page interactions the task needs.
 *
 * A step (page interaction) is one planner decision that acts: any number of fills, checks and
 * download clicks on the page as it is, plus what leaves the page (a link, a submit, a navigation
 * to a file's URL) last. Opening the start URL is not a step, and neither is the final decision
 * that the goal is met (the run's step_count counts that one too, so it reads one more).
 */
export interface PlannerTask {
  id: string;
  start: () => Promise<CaseSite>;
  minSteps: number;
  /** Four more ways people write the same goal, in English and other languages. */
  phrasings: string[];
  /** The file is a page printed to PDF (no checksum to compare). */
  printed?: boolean;
}

export const CASE_TASKS: PlannerTask[] = [
  {
    id: 'C01',
    start: () => startC01Site('A'),
    // the start URL is the file: opening it stores it
    minSteps: 0,
    phrasings: [
      'get me the customer list',
      'grab customers.csv',
      'descargar la lista de clientes',
      'the customer list please',
    ],
  },
  {
    id: 'C02',
    start: startC02Site,
    // one click on the link
    minSteps: 1,
    phrasings: [
      'get the activation code',
      'grab my activation code file',
      'save the activation code',
      "télécharger le code d'activation",
    ],
  },
  {
    id: 'C03',
    start: () => startC03Site('A'),
    // one click on the May 2024 link
    minSteps: 1,
    phrasings: [
      'get my statement for May 2024',
      'May 2024 statement',
      'descargar mi extracto de mayo de 2024',
      'Kontoauszug Mai 2024 herunterladen',
    ],
  },
  {
    id: 'C04',
    start: startC04Site,
    // one click on the button link
    minSteps: 1,
    phrasings: [
      'get the PDF from the "View / download PDF" button',
      'grab the contract PDF',
      'download the PDF',
      'descargar el PDF',
    ],
  },
  {
    id: 'C05',
    start: () => startC05Site('A'),
    // one click on the export button
    minSteps: 1,
    phrasings: [
      'export report #7 as xlsx',
      'get report 7 in Excel',
      'exportar el informe 7 a Excel',
      'Bericht 7 nach Excel exportieren',
    ],
  },
  {
    id: 'C07',
    start: startC07Site,
    // one click on "Latest invoice"
    minSteps: 1,
    phrasings: [
      'grab the most recent invoice',
      'latest invoice please',
      'descargar mi última factura',
      'télécharger ma dernière facture',
    ],
  },
  {
    id: 'C08',
    start: () => startC08Site('A'),
    // one click on the analysis button
    minSteps: 1,
    phrasings: [
      'export the app1 analysis as CSV',
      'get the analysis for app1',
      'save the app1 analysis CSV',
      'descargar el análisis CSV de app1',
    ],
  },
  {
    id: 'C11',
    start: startC11Site,
    // five download clicks on one page
    minSteps: 1,
    phrasings: [
      'get every one of the 5 documents',
      'grab all 5 files from the library',
      'descargar los cinco documentos',
      'alle fünf Dokumente der Bibliothek herunterladen',
    ],
  },
  {
    id: 'C13',
    start: () => startC13Site('A'),
    // four download clicks on one page
    minSteps: 1,
    phrasings: [
      "get invoices 1001, 1002, 1003 plus the 'nice-filename' doc",
      "descargar las facturas 1001, 1002 y 1003 y el documento 'nice-filename'",
      "télécharger les factures 1001, 1002 et 1003 et le document 'nice-filename'",
      "save invoices 1001, 1002 and 1003 as well as 'nice-filename'",
    ],
  },
  {
    id: 'C15',
    start: () => startC15Site('A'),
    // one click on "Download selected"
    minSteps: 1,
    phrasings: [
      'grab the 3 selected files',
      'download the three selected files',
      'descargar los tres archivos seleccionados',
      'die drei ausgewählten Dateien herunterladen',
    ],
  },
  {
    id: 'C16',
    start: () => startC16Site('bundle'),
    // one click on "Download everything"
    minSteps: 1,
    phrasings: [
      'grab the full bundle',
      'get the bundle',
      'descargar el paquete completo',
      'das komplette Paket herunterladen',
    ],
  },
  {
    id: 'C19',
    start: () => startC19Site('webm'),
    // one click on the episode link
    minSteps: 1,
    phrasings: [
      'get the newest episode',
      'save the latest episode',
      'descargar el último episodio',
      'télécharger le dernier épisode',
    ],
  },
  {
    id: 'C20',
    start: startC20Site,
    // one click on the HTTPS mirror
    minSteps: 1,
    phrasings: [
      'get tool v3.14',
      'grab tool 3.14',
      'descargar tool 3.14',
      'tool 3.14 herunterladen',
    ],
  },
  {
    id: 'C23',
    start: startC23Site,
    // opening the widget link top-level
    minSteps: 1,
    phrasings: [
      'get the Q2 report',
      'grab the second quarter report',
      'descargar el informe del segundo trimestre',
      'den Q2-Bericht herunterladen',
    ],
  },
  {
    id: 'C25',
    start: startC25Site,
    // one click on the export button
    minSteps: 1,
    phrasings: [
      'export users as xlsx',
      'get the user list in Excel',
      'exportar la lista de usuarios a Excel',
      'Benutzerliste nach Excel exportieren',
    ],
  },
  {
    id: 'C29',
    start: () => startC29Site('A'),
    // print (the print button and the PDF in one step)
    minSteps: 1,
    printed: true,
    phrasings: [
      'print the ORD-48213 receipt to PDF',
      'save the ORD-48213 receipt as PDF',
      'guardar el recibo del pedido ORD-48213 como PDF',
      'enregistrer le reçu de la commande ORD-48213 en PDF',
    ],
  },
  {
    id: 'C30',
    start: startC30Site,
    // three download clicks on one page
    minSteps: 1,
    phrasings: [
      'get the report PDF, annex and summary',
      'descargar el informe PDF, el anexo y el resumen',
      "télécharger le rapport PDF, l'annexe et le résumé",
      'grab the report, the annex and the summary',
    ],
  },
  {
    id: 'C31',
    start: startC31Site,
    // one click on the extract link
    minSteps: 1,
    phrasings: [
      'grab the data extract',
      'get the extract',
      'descargar el extracto de datos',
      "télécharger l'extrait de données",
    ],
  },
  {
    id: 'C32',
    start: () => startC32Site(),
    // one click on the contract (the site answers with its login page), the login (which
    // returns to the home page), the contract again
    minSteps: 3,
    phrasings: [
      'sign in with username demo and password demo-pass-123, then get contract 77',
      'inicia sesión como demo con la contraseña demo-pass-123 y descarga el contrato 77',
      'connecte-toi en tant que demo avec le mot de passe demo-pass-123 et télécharge le contrat 77',
      'username demo password demo-pass-123: contract 77',
    ],
  },
  {
    id: 'C35',
    start: () => startC35Site('A'),
    // one click on the archive link
    minSteps: 1,
    phrasings: [
      'get archive.7z',
      'grab the 7z archive',
      'descargar archive.7z',
      'archive.7z herunterladen',
    ],
  },
];

/** Other variants of the cases, run with the case's own goal. */
export const VARIANT_TASKS: Omit<PlannerTask, 'phrasings'>[] = [
  { id: 'C01 B', start: () => startC01Site('B'), minSteps: 0 },
  { id: 'C03 B', start: () => startC03Site('B'), minSteps: 1 },
  { id: 'C05 B', start: () => startC05Site('B'), minSteps: 1 },
  { id: 'C05 C', start: () => startC05Site('C'), minSteps: 1 },
  { id: 'C08 B', start: () => startC08Site('B'), minSteps: 1 },
  { id: 'C08 C', start: () => startC08Site('C'), minSteps: 1 },
  { id: 'C13 B', start: () => startC13Site('B'), minSteps: 1 },
  { id: 'C15 B', start: () => startC15Site('B'), minSteps: 1 },
  // the click, then the downloads the browser cancelled, opened by URL
  { id: 'C15 C', start: () => startC15Site('C'), minSteps: 2 },
  { id: 'C19 png', start: () => startC19Site('png'), minSteps: 1 },
  { id: 'C19 html', start: () => startC19Site('html'), minSteps: 1 },
  { id: 'C29 B', start: () => startC29Site('B'), minSteps: 1, printed: true },
  // the contract link serves the login page as a PDF: sign in, log in, the contract
  { id: 'C32 misnamed', start: () => startC32Site({ misnamed: true }), minSteps: 3 },
  { id: 'C35 B', start: () => startC35Site('B'), minSteps: 1 },
];
