// Money on the dashboard: amounts arrive as integer fen and stay BigInt; the exact figure is
// formatted with integer arithmetic only (never floating point).
'use strict';

// JSON.parse keeping every *_fen / amount as a BigInt read from its source digits.
function parseMoneyJson(text) {
  return JSON.parse(text, function (key, value, context) {
    if (typeof value !== 'number' || !(key.endsWith('_fen'))) return value;
    if (context && typeof context.source === 'string') return BigInt(context.source);
    if (!Number.isSafeInteger(value)) throw new Error('amount beyond exact range: ' + key);
    return BigInt(value);
  });
}

function groupThousands(digits) {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return out;
}

// ¥252,000,000.00 from 25200000000n.
function exactYuan(fen) {
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  const yuan = abs / 100n;
  const cents = (abs % 100n).toString().padStart(2, '0');
  return (negative ? '-' : '') + '¥' + groupThousands(yuan.toString()) + '.' + cents;
}

// A figure in 亿元 (from 1亿元) or 万元 (from 1万元), cut (not rounded) to `decimals` places:
// "2.52亿元"; below 1万元 the exact yuan: "29.99元".
function chineseUnits(fen, decimals) {
  const places = decimals === undefined ? 2 : decimals;
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  const yi = 10000000000n;  // 1亿元 in fen
  const wan = 1000000n;     // 1万元 in fen
  if (abs < wan) return exactYuan(fen).replace('¥', '') + '元';
  const unit = abs >= yi ? yi : wan;
  const suffix = abs >= yi ? '亿元' : '万元';
  const scale = 10n ** BigInt(places);
  const scaled = (abs * scale) / unit;
  const whole = (scaled / scale).toString();
  let fraction = (scaled % scale).toString().padStart(places, '0');
  fraction = fraction.replace(/0+$/, '');
  return (negative ? '-' : '') + groupThousands(whole) + (fraction ? '.' + fraction : '') + suffix;
}
