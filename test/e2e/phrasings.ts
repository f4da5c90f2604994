/**
 * Each case's goal as cases.md writes it, then four other ways people ask for the same thing:
 * other verbs, no verb at all, and other languages.
 */
export const CASE_PHRASINGS: Record<string, string[]> = {
  C01: [
    'get me the customer list',
    'customer list csv',
    'descargar la lista de clientes',
    'Kundenliste herunterladen',
  ],
  C02: [
    'grab the activation code',
    'activation code file please',
    "télécharge le fichier du code d'activation",
    'baixe o arquivo do código de ativação',
  ],
  C03: [
    'get my statement for May 2024',
    'statement 2024-05 pdf',
    'descargar mi extracto de mayo de 2024 en PDF',
    'Kontoauszug Mai 2024 als PDF herunterladen',
  ],
  C04: [
    'get the PDF from the "View / download PDF" button',
    'save the PDF document',
    "télécharger le PDF derrière le bouton 'View / download PDF'",
    'baixar o PDF',
  ],
  C05: [
    'export report #7 as xlsx',
    'report 7 in Excel',
    'exportar el informe 7 a Excel',
    'Bericht 7 nach Excel exportieren',
  ],
  C07: [
    'grab the most recent invoice',
    'latest invoice please',
    'télécharger ma dernière facture',
    'neueste Rechnung herunterladen',
  ],
  C08: [
    'export the app1 analysis as CSV',
    'app1 analysis csv',
    "télécharger l'analyse CSV pour app1",
    'baixar a análise CSV do app1',
  ],
  C11: [
    'get every one of the 5 documents',
    'all five documents from the library',
    'descargar los cinco documentos de la biblioteca',
    'alle fünf Dokumente der Bibliothek herunterladen',
  ],
  C13: [
    "get invoices 1001, 1002, 1003 plus the 'nice-filename' doc",
    "invoices 1001, 1002 and 1003 and the 'nice-filename' document",
    "télécharger les factures 1001, 1002 et 1003 et le document 'nice-filename'",
    "baixar as faturas 1001, 1002 e 1003 e o documento 'nice-filename'",
  ],
  C15: [
    'grab the 3 selected files',
    'the three selected files',
    'descargar los tres archivos seleccionados',
    'die drei ausgewählten Dateien herunterladen',
  ],
  C16: [
    'grab the full bundle',
    'complete bundle zip',
    'télécharger le pack complet',
    'baixar o pacote completo',
  ],
  C19: [
    'get the newest episode',
    'latest episode',
    'descargar el último episodio',
    'die neueste Folge herunterladen',
  ],
  C20: ['get tool v3.14', 'tool 3.14 please', 'télécharger tool 3.14', 'baixar o tool 3.14'],
  C23: [
    'get the Q2 report from the widget',
    'Q2 report pdf',
    'descargar el informe del segundo trimestre del widget',
    'den Q2-Bericht aus dem Widget herunterladen',
  ],
  C25: [
    'export users to xlsx',
    'user list as an Excel file',
    'exporter la liste des utilisateurs vers Excel',
    'exportar a lista de usuários para Excel',
  ],
  C29: [
    'save receipt ORD-48213 as pdf',
    'receipt for order ORD-48213 as a PDF',
    'guardar el recibo del pedido ORD-48213 como PDF',
    'Beleg für Bestellung ORD-48213 als PDF speichern',
  ],
  C30: [
    'get the report PDF, the annex and the summary',
    'report pdf, annex and summary',
    "télécharger le rapport PDF, l'annexe et le résumé",
    'baixar o relatório PDF, o anexo e o resumo',
  ],
  C31: [
    'get the data extract',
    'data extract',
    'descargar el extracto de datos',
    'den Datenextrakt herunterladen',
  ],
  C32: [
    'sign in as demo with password demo-pass-123 and get contract 77',
    'contract 77, user demo, password demo-pass-123',
    'inicia sesión como demo / demo-pass-123 y descarga el contrato 77',
    'connecte-toi avec demo / demo-pass-123 et télécharge le contrat 77',
  ],
  C35: ['grab archive.7z', 'archive.7z', 'descargar archive.7z', 'archive.7z herunterladen'],
};
