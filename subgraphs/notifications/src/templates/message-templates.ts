import type { TemplateSource } from './template.js';

/**
 * What people are told, per event and locale. pt-BR is the default; every template has English
 * too. Variables are formatted by the intake (amounts as money in the reader's locale) before
 * they are placed.
 */
export const messageTemplates = {
  'order.created.customer': {
    variables: ['orderRef', 'total'],
    text: {
      'pt-BR': {
        title: 'Pedido {{orderRef}} recebido',
        body: 'Recebemos seu pedido {{orderRef}} de {{total}}. Avisaremos quando for confirmado.',
      },
      en: {
        title: 'Order {{orderRef}} received',
        body: 'We received your order {{orderRef}} for {{total}}. We will tell you when it is confirmed.',
      },
    },
  },
  'order.created.supplier': {
    variables: ['orderRef', 'total'],
    text: {
      'pt-BR': { title: 'Novo pedido {{orderRef}}', body: 'Você recebeu o pedido {{orderRef}} de {{total}}.' },
      en: { title: 'New order {{orderRef}}', body: 'You received order {{orderRef}} for {{total}}.' },
    },
  },
  'order.confirmed': {
    variables: ['orderRef'],
    text: {
      'pt-BR': { title: 'Pedido {{orderRef}} confirmado', body: 'Seu pedido {{orderRef}} foi confirmado e logo sai para entrega.' },
      en: { title: 'Order {{orderRef}} confirmed', body: 'Your order {{orderRef}} is confirmed and will be on its way soon.' },
    },
  },
  // Stores (issue 17): the store answers each order; the customer hears the answer.
  'order.awaiting_acceptance': {
    variables: ['orderRef', 'total', 'deadline'],
    text: {
      'pt-BR': {
        title: 'Novo pedido {{orderRef}}: aceite ou recuse',
        body: 'O pedido {{orderRef}} de {{total}} aguarda sua resposta até {{deadline}}. Sem resposta, ele é cancelado e o cliente reembolsado.',
      },
      en: {
        title: 'New order {{orderRef}}: accept or refuse it',
        body: 'Order {{orderRef}} for {{total}} waits for your answer until {{deadline}}. Unanswered, it is cancelled and the customer refunded.',
      },
    },
  },
  'order.accepted': {
    variables: ['orderRef', 'promisedBy'],
    text: {
      'pt-BR': {
        title: 'Pedido {{orderRef}} aceito pela revenda',
        body: 'A revenda aceitou seu pedido {{orderRef}}. Entrega prevista até {{promisedBy}}.',
      },
      en: {
        title: 'Order {{orderRef}} accepted by the store',
        body: 'The store accepted your order {{orderRef}}. Delivery by {{promisedBy}}.',
      },
    },
  },
  'order.rejected': {
    variables: ['orderRef', 'reason'],
    text: {
      'pt-BR': {
        title: 'A revenda recusou o pedido {{orderRef}}',
        body: 'A revenda não pôde atender o pedido {{orderRef}}: {{reason}}. O pedido foi cancelado; se você já pagou, o valor será devolvido integralmente.',
      },
      en: {
        title: 'The store turned down order {{orderRef}}',
        body: 'The store could not take order {{orderRef}}: {{reason}}. The order is cancelled; if you paid, the full amount is refunded.',
      },
    },
  },
  'order.unanswered.customer': {
    variables: ['orderRef'],
    text: {
      'pt-BR': {
        title: 'Pedido {{orderRef}} cancelado: a revenda não respondeu',
        body: 'A revenda não respondeu ao pedido {{orderRef}} a tempo, então o cancelamos. Se você já pagou, o valor será devolvido integralmente. Tente outra revenda próxima.',
      },
      en: {
        title: 'Order {{orderRef}} cancelled: the store did not answer',
        body: 'The store did not answer order {{orderRef}} in time, so we cancelled it. If you paid, the full amount is refunded. Try another store near you.',
      },
    },
  },
  'order.unanswered.supplier': {
    variables: ['orderRef'],
    text: {
      'pt-BR': {
        title: 'Pedido {{orderRef}} cancelado sem resposta',
        body: 'Você não respondeu ao pedido {{orderRef}} dentro do prazo: ele foi cancelado e o cliente reembolsado. Pause a loja quando não puder atender.',
      },
      en: {
        title: 'Order {{orderRef}} cancelled unanswered',
        body: 'You did not answer order {{orderRef}} in time: it was cancelled and the customer refunded. Pause the store when you cannot serve.',
      },
    },
  },
  'order.empties_shortfall': {
    variables: ['orderRef', 'missing', 'amount'],
    text: {
      'pt-BR': {
        title: 'Vasilhame não devolvido: pedido {{orderRef}}',
        body: 'Na entrega do pedido {{orderRef}} faltaram {{missing}} botijão(ões) vazio(s) da troca. Cobramos {{amount}}, a diferença para o preço com vasilhame.',
      },
      en: {
        title: 'Empties not handed back: order {{orderRef}}',
        body: 'At the delivery of order {{orderRef}}, {{missing}} empty cylinder(s) of the exchange were missing. We charge {{amount}}, the difference to the price with a cylinder.',
      },
    },
  },
  'licence.approved': {
    variables: ['authorizationNumber', 'validUntil'],
    text: {
      'pt-BR': {
        title: 'Autorização ANP aprovada',
        body: 'Sua autorização ANP {{authorizationNumber}} foi aprovada e vale até {{validUntil}}. Suas lojas podem vender até essa data; envie a renovação antes.',
      },
      en: {
        title: 'ANP authorisation approved',
        body: 'Your ANP authorisation {{authorizationNumber}} was approved and is valid until {{validUntil}}. Your stores may sell until then; upload the renewal before.',
      },
    },
  },
  'courier.offered': {
    variables: ['orderRef', 'distance', 'deadline'],
    text: {
      'pt-BR': { title: 'Nova entrega para você', body: 'Pedido {{orderRef}} a {{distance}} de você. Aceite até {{deadline}}.' },
      en: { title: 'A delivery for you', body: 'Order {{orderRef}}, {{distance}} from you. Accept it by {{deadline}}.' },
    },
  },
  'courier.assigned': {
    variables: ['orderRef'],
    text: {
      'pt-BR': { title: 'Entregador a caminho da revenda', body: 'Um entregador aceitou o pedido {{orderRef}} e vai retirá-lo com você.' },
      en: { title: 'A courier is coming for an order', body: 'A courier accepted order {{orderRef}} and will collect it from you.' },
    },
  },
  // The code itself is never in a message: mail and push previews are read by others, and the
  // code is the proof of handover. The customer reads it in the app (Order.deliveryCode).
  'delivery.code': {
    variables: ['orderRef'],
    text: {
      'pt-BR': {
        title: 'Entregador a caminho: pedido {{orderRef}}',
        body: 'Um entregador aceitou seu pedido {{orderRef}}. Seu código de entrega está no app, no pedido: informe-o ao entregador só depois de receber o gás.',
      },
      en: {
        title: 'A courier is on the way: order {{orderRef}}',
        body: 'A courier accepted your order {{orderRef}}. Your delivery code is in the app, on the order: give it to the courier only once you have the gas.',
      },
    },
  },
  'courier.not_found': {
    variables: ['orderRef'],
    text: {
      'pt-BR': {
        title: 'Procurando entregador',
        body: 'Ainda não encontramos um entregador para o pedido {{orderRef}}. Nossa equipe foi avisada.',
      },
      en: { title: 'Still looking for a courier', body: 'We have not found a courier for order {{orderRef}} yet. Our team has been told.' },
    },
  },
  'order.in_transit': {
    variables: ['orderRef'],
    text: {
      'pt-BR': {
        title: 'Pedido {{orderRef}} saiu para entrega',
        body: 'Seu gás está a caminho. Tenha o código de entrega em mãos para o entregador.',
      },
      en: { title: 'Order {{orderRef}} is on its way', body: 'Your gas is on its way. Have your delivery code ready for the courier.' },
    },
  },
  'order.delivered': {
    variables: ['orderRef', 'total'],
    text: {
      'pt-BR': { title: 'Pedido {{orderRef}} entregue', body: 'Seu pedido {{orderRef}} de {{total}} foi entregue. Obrigado!' },
      en: { title: 'Order {{orderRef}} delivered', body: 'Your order {{orderRef}} for {{total}} was delivered. Thank you!' },
    },
  },
  'order.cancelled': {
    variables: ['orderRef', 'reason'],
    text: {
      'pt-BR': { title: 'Pedido {{orderRef}} cancelado', body: 'O pedido {{orderRef}} foi cancelado: {{reason}}' },
      en: { title: 'Order {{orderRef}} cancelled', body: 'Order {{orderRef}} was cancelled: {{reason}}' },
    },
  },
  'payment.processed': {
    variables: ['orderRef', 'amount'],
    text: {
      'pt-BR': { title: 'Pagamento confirmado', body: 'Recebemos {{amount}} pelo pedido {{orderRef}}.' },
      en: { title: 'Payment received', body: 'We received {{amount}} for order {{orderRef}}.' },
    },
  },
  'payment.failed': {
    variables: ['orderRef', 'reason'],
    text: {
      'pt-BR': {
        title: 'Pagamento não aprovado',
        body: 'O pagamento do pedido {{orderRef}} não foi aprovado: {{reason}} Você pode tentar de novo.',
      },
      en: { title: 'Payment not approved', body: 'The payment for order {{orderRef}} was not approved: {{reason}} You can try again.' },
    },
  },
  'refund.processed': {
    variables: ['orderRef', 'amount'],
    text: {
      'pt-BR': { title: 'Reembolso realizado', body: 'Devolvemos {{amount}} referente ao pedido {{orderRef}}.' },
      en: { title: 'Refund issued', body: 'We refunded {{amount}} for order {{orderRef}}.' },
    },
  },
  'invitation.created': {
    variables: ['role', 'code', 'expiresAt'],
    text: {
      'pt-BR': {
        title: 'Seu convite para o GasRápido',
        body: 'Você foi convidado como {{role}}. Use o código {{code}} ao se cadastrar, até {{expiresAt}}.',
      },
      en: {
        title: 'Your GasRápido invitation',
        body: 'You were invited as {{role}}. Use the code {{code}} when you register, before {{expiresAt}}.',
      },
    },
  },
  'alert.escalated': {
    variables: ['severity', 'ruleName', 'summary', 'level'],
    text: {
      'pt-BR': {
        title: 'Alerta {{severity}}: {{ruleName}}',
        body: '{{summary}} Escalonamento nível {{level}}: reconheça o alerta se você está cuidando dele.',
      },
      en: {
        title: '{{severity}} alert: {{ruleName}}',
        body: '{{summary}} Escalation level {{level}}: acknowledge the alert if you are handling it.',
      },
    },
  },
  'report.generated': {
    variables: ['kind', 'period'],
    text: {
      'pt-BR': { title: 'Relatório pronto', body: 'O relatório {{kind}} de {{period}} está pronto para baixar.' },
      en: { title: 'Report ready', body: 'The {{kind}} report for {{period}} is ready to download.' },
    },
  },
  broadcast: {
    variables: ['title', 'body'],
    text: {
      'pt-BR': { title: '{{title}}', body: '{{body}}' },
      en: { title: '{{title}}', body: '{{body}}' },
    },
  },
} satisfies Record<string, TemplateSource>;

export type TemplateKey = keyof typeof messageTemplates;
