/**
 * The document types GasRápido knows how to name. Which of them a role must submit is
 * configuration (VERIFICATION_REQUIRED_DOCUMENTS_<ROLE>); a configured type missing from
 * this registry still works, labelled with its own code.
 */
export const knownDocumentTypes: Readonly<Record<string, { ptBR: string; en: string }>> = {
  IDENTITY_DOCUMENT: { ptBR: 'Documento de identidade (RG ou CNH)', en: 'Identity document' },
  PROOF_OF_ADDRESS: { ptBR: 'Comprovante de endereço', en: 'Proof of address' },
  GAS_DISTRIBUTION_LICENCE: { ptBR: 'Autorização de revenda de GLP (ANP)', en: 'Gas distribution licence' },
  COMPANY_REGISTRY: { ptBR: 'Comprovante de inscrição no CNPJ', en: 'Company registry' },
  DRIVING_LICENCE: { ptBR: 'Carteira Nacional de Habilitação (CNH)', en: 'Driving licence' },
  VEHICLE_REGISTRATION: { ptBR: 'Certificado de registro do veículo (CRLV)', en: 'Vehicle registration' },
};

export type LabelLanguage = 'PT_BR' | 'EN';

/** A document type's label; an unregistered type reads as its code in words. */
export function documentLabel(type: string, language: LabelLanguage = 'PT_BR'): string {
  const known = knownDocumentTypes[type];
  if (known !== undefined) return language === 'EN' ? known.en : known.ptBR;
  const words = type.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What a configured document type must look like: the style of the registry's codes. */
export const DOCUMENT_TYPE_PATTERN = /^[A-Z][A-Z0-9_]{1,63}$/;
