// Desa Sadar Jamsostek offline entries: a form's fields turned into the REST API's JSON body, the checks
// that need no server (NIK, dates, the amount from the cached contribution rules), and a short label.
// Loaded by the pages and by the service worker; defines self.DSJEntries.
(function (scope) {
  "use strict";

  const SEX = { L: "laki-laki", P: "perempuan" };
  const LABELS = {
    nik: "NIK", name: "Nama", sex: "Jenis kelamin", birth_date: "Tanggal lahir", occupation: "Pekerjaan",
    monthly_income: "Penghasilan", funding_source: "Sumber dana", enrolled_on: "Tanggal daftar", kpj: "KPJ",
    phone: "Nomor HP", hamlet: "Jorong/dusun", village: "Desa/nagari", first_month: "Mulai bulan",
    months: "Untuk berapa bulan", amount: "Jumlah dibayar", paid_on: "Tanggal bayar", channel: "Saluran bayar",
    month: "Bulan iuran", participant_ids: "Peserta", date: "Tanggal", kind: "Jenis kegiatan", title: "Judul",
    attendees: "Jumlah hadir", enrolled_on_spot: "Mendaftar di tempat", notes: "Catatan",
  };
  const REQUIRED = {
    participant: ["nik", "name", "sex", "birth_date", "occupation", "monthly_income", "funding_source", "enrolled_on"],
    contribution: ["first_month", "months", "amount", "paid_on", "channel", "funding_source"],
    monthly: ["month", "paid_on", "channel"],
    activity: ["date", "kind"],
  };
  const DATE_FIELDS = ["birth_date", "enrolled_on", "paid_on", "date"];
  const MONTH_FIELDS = ["first_month", "month"];
  const INTEGER_FIELDS = ["months", "attendees", "enrolled_on_spot", "village"];
  const RUPIAH_FIELDS = ["monthly_income", "amount"];
  const BOOLEAN_FIELDS = { participant: ["has_jht"], contribution: ["with_jht"] };
  const IGNORED = ["csrfmiddlewaretoken", "offline_kind", "offline_api", "offline_label"];

  function pad(number) { return String(number).padStart(2, "0"); }

  function realDate(year, month, day) {
    const date = new Date(Date.UTC(year, month - 1, day));
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  }

  // "14/03/1985", "14-3-1985", "14.03.1985" or "1985-03-14" → "1985-03-14"; null when not a real date.
  function isoDate(text) {
    const value = String(text || "").trim();
    let match = value.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/);
    let parts = match && [+match[3], +match[2], +match[1]];
    if (!parts) {
      match = value.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/);
      parts = match && [+match[1], +match[2], +match[3]];
    }
    if (!parts || parts[0] < 1900 || parts[0] > 2100 || !realDate(parts[0], parts[1], parts[2])) {
      return null;
    }
    return `${parts[0]}-${pad(parts[1])}-${pad(parts[2])}`;
  }

  // "03/2026", "3-2026" or "2026-03" → "2026-03".
  function isoMonth(text) {
    const value = String(text || "").trim();
    let match = value.match(/^(\d{1,2})[/.-](\d{4})$/);
    let parts = match && [+match[2], +match[1]];
    if (!parts) {
      match = value.match(/^(\d{4})-(\d{1,2})$/);
      parts = match && [+match[1], +match[2]];
    }
    if (!parts || parts[1] < 1 || parts[1] > 12 || parts[0] < 1900 || parts[0] > 2100) {
      return null;
    }
    return `${parts[0]}-${pad(parts[1])}`;
  }

  // "Rp 1.500.000", "1,500,000" or "1500000" → 1500000.
  function rupiah(text) {
    const value = String(text || "").replace(/rp/i, "").replace(/\s/g, "").replace(/[.,]-$/, "");
    if (!/^\d+(?:[.,]\d{3})*$/.test(value)) {
      return null;
    }
    return parseInt(value.replace(/[.,]/g, ""), 10);
  }

  function formatRupiah(amount) {
    return "Rp " + String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function showMonth(iso) { return iso ? `${iso.slice(5, 7)}/${iso.slice(0, 4)}` : ""; }

  function addMonths(iso, count) {
    const index = (+iso.slice(0, 4)) * 12 + (+iso.slice(5, 7)) - 1 + count;
    return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
  }

  // The same checks as participants.models.nik_problems (python-stdnum's NIK: province, birth date).
  function nikProblems(nik, birthIso, sex, provinces) {
    const invalid = "NIK tidak valid: harus 16 angka dengan kode wilayah dan tanggal lahir yang benar.";
    if (!/^\d{16}$/.test(nik)) {
      return [invalid];
    }
    const day = +nik.slice(6, 8);
    const month = +nik.slice(8, 10);
    const year = +nik.slice(10, 12);
    if ((provinces && provinces.length && !provinces.includes(nik.slice(0, 2))) || !realDate(1900 + year, month, day % 40)) {
      return [invalid];
    }
    const problems = [];
    const encodedSex = day > 40 ? "P" : "L";
    if (sex && sex !== encodedSex) {
      problems.push(`Jenis kelamin tidak cocok dengan NIK (NIK ini milik seorang ${SEX[encodedSex]}).`);
    }
    const encodedDay = day > 40 ? day - 40 : day;
    if (birthIso) {
      const [y, m, d] = birthIso.split("-").map(Number);
      if (d !== encodedDay || m !== month || y % 100 !== year) {
        problems.push(`Tanggal lahir tidak cocok dengan NIK (NIK menyebut ${pad(encodedDay)}/${pad(month)}/..${pad(year)}).`);
      }
    }
    return problems;
  }

  // The rules of participants.rules.RuleBook.due, in whole Rupiah rounded half up.
  function hundredths(text) { return Math.round(parseFloat(text) * 100); }
  function roundedShare(amount, percentHundredths) {
    return Math.floor((2 * amount * percentHundredths + 10000) / 20000);
  }
  function inSpan(month, from, to) { return from <= month && (!to || month <= to); }
  function scopeIncludes(scopeName, chosen, value) {
    return scopeName === "semua" || (chosen.includes(value) === (scopeName === "hanya"));
  }

  function monthDue(rules, { month, income, withJht, occupation, fundingSource }) {
    const rates = rules.rates.filter((rate) => inSpan(month, rate.valid_from, rate.valid_to));
    if (rates.length !== 1) {
      throw new Error(`Aturan iuran tersimpan tidak mencakup bulan ${showMonth(month)}; kirim saat ada sinyal.`);
    }
    const rate = rates[0];
    const sector = rules.occupation_sectors[occupation];
    const reliefs = rules.adjustments.filter((adjustment) => inSpan(month, adjustment.valid_from, adjustment.valid_to)
      && scopeIncludes(adjustment.sector_scope, adjustment.sectors, sector)
      && scopeIncludes(adjustment.funding_scope, adjustment.funding_sources, fundingSource));
    if (reliefs.length > 1) {
      throw new Error(`Ada lebih dari satu keringanan iuran untuk bulan ${showMonth(month)}; hubungi admin cabang.`);
    }
    const base = Math.max(income, rate.minimum_income);
    const parts = [["JKK", roundedShare(base, hundredths(rate.jkk_percent))], ["JKM", rate.jkm_amount]];
    if (withJht) {
      parts.push(["JHT", roundedShare(base, hundredths(rate.jht_percent))]);
    }
    const relief = reliefs[0];
    return parts.reduce((total, [programme, amount]) => total + (relief && relief.programmes.includes(programme)
      ? amount - roundedShare(amount, hundredths(relief.percent)) : amount), 0);
  }

  // What `months` months from `firstMonth` cost a participant, or throws with the reason.
  function paymentDue(rules, participant, { firstMonth, months, withJht, fundingSource }) {
    let total = 0;
    for (let index = 0; index < months; index += 1) {
      total += monthDue(rules, {
        month: addMonths(firstMonth, index), income: participant.income, withJht,
        occupation: participant.occupation, fundingSource: fundingSource || participant.fundingSource,
      });
    }
    return total;
  }

  // The API body for one form's fields ([name, value] pairs), each value converted where it can be.
  function body(kind, pairs) {
    const data = {};
    const ids = [];
    for (const [name, value] of pairs) {
      if (IGNORED.includes(name)) continue;
      if (kind === "monthly" && name === "paid") { ids.push(parseInt(value, 10)); continue; }
      data[name] = value;
    }
    for (const name of Object.keys(data)) {
      const value = String(data[name]).trim();
      if (DATE_FIELDS.includes(name)) data[name] = isoDate(value) || value;
      else if (MONTH_FIELDS.includes(name)) data[name] = isoMonth(value) || value;
      else if (RUPIAH_FIELDS.includes(name)) data[name] = rupiah(value) ?? value;
      else if (INTEGER_FIELDS.includes(name)) data[name] = /^\d+$/.test(value) ? parseInt(value, 10) : value;
      else data[name] = value;
      if (data[name] === "" && !["name", "title", "notes", "phone", "hamlet"].includes(name)) delete data[name];
    }
    for (const name of BOOLEAN_FIELDS[kind] || []) data[name] = data[name] === "on" || data[name] === "true";
    if (kind === "participant" && data.nik) data.nik = data.nik.replace(/\s/g, "");
    if (kind === "monthly") data.participant_ids = ids;
    return data;
  }

  function label(kind, data, extra) {
    if (kind === "participant") return `Pendaftaran ${data.name || "peserta"} (NIK ${data.nik || "-"})`;
    if (kind === "contribution") {
      const months = parseInt(data.months, 10) || 1;
      const span = months > 1 ? `${showMonth(data.first_month)} + ${months - 1} bulan` : showMonth(data.first_month);
      const amount = typeof data.amount === "number" ? `, ${formatRupiah(data.amount)}` : "";
      return `Iuran ${extra || "peserta"} ${span}${amount}`;
    }
    if (kind === "monthly") return `Iuran bulan ${showMonth(data.month)}: ${data.participant_ids.length} peserta`;
    return `Kegiatan ${data.title || data.kind || ""} ${data.date || ""}`.trim();
  }

  // Problems found without the server, by form field: {field: [message]}.
  function check(kind, data, context) {
    const problems = {};
    const add = (field, message) => { (problems[field] = problems[field] || []).push(message); };
    for (const field of REQUIRED[kind] || []) {
      if (data[field] === undefined || data[field] === "") add(field, "Wajib diisi.");
    }
    for (const field of DATE_FIELDS) {
      if (typeof data[field] === "string" && data[field] && !/^\d{4}-\d{2}-\d{2}$/.test(data[field])) {
        add(field, "Tulis tanggal sebagai dd/mm/yyyy, misalnya 14/03/1985.");
      }
    }
    for (const field of MONTH_FIELDS) {
      if (typeof data[field] === "string" && data[field] && !/^\d{4}-\d{2}$/.test(data[field])) {
        add(field, "Tulis bulan sebagai mm/yyyy, misalnya 03/2026.");
      }
    }
    for (const field of RUPIAH_FIELDS) {
      if (typeof data[field] === "string" && data[field]) add(field, "Tulis jumlah dalam Rupiah, misalnya 1.500.000.");
    }
    if (kind === "participant" && data.nik) {
      const birth = /^\d{4}-\d{2}-\d{2}$/.test(data.birth_date || "") ? data.birth_date : null;
      for (const message of nikProblems(data.nik, birth, data.sex, context.rules && context.rules.nik_provinces)) add("nik", message);
    }
    if (kind === "monthly" && !data.participant_ids.length) add("paid", "Centang paling sedikit satu peserta.");
    if (kind === "contribution" && context.rules && context.participant && typeof data.amount === "number"
      && /^\d{4}-\d{2}$/.test(data.first_month || "")) {
      try {
        const due = paymentDue(context.rules, context.participant, {
          firstMonth: data.first_month, months: parseInt(data.months, 10) || 1,
          withJht: data.with_jht, fundingSource: data.funding_source,
        });
        if (due !== data.amount) add("amount", `Menurut aturan iuran, jumlahnya ${formatRupiah(due)}.`);
      } catch (error) {
        add("first_month", error.message);
      }
    }
    return problems;
  }

  // One entry to keep: its own id, and the Idempotency-Key made now, when the official makes it.
  function make({ kind, api, pairs, user, page, extra }) {
    const data = body(kind, pairs);
    return {
      id: scope.crypto.randomUUID(),
      key: scope.crypto.randomUUID(),
      user: String(user),
      kind,
      api,
      body: data,
      pairs,
      page,
      extra: extra || "",
      label: label(kind, data, extra),
      status: "pending",
      message: "",
      errors: {},
      created: new Date().toISOString(),
    };
  }

  // An entry corrected by the official: the same id and key (a refused write is not remembered by the server).
  function amend(entry, pairs) {
    const data = body(entry.kind, pairs);
    return { ...entry, body: data, pairs, label: label(entry.kind, data, entry.extra), status: "pending", message: "", errors: {} };
  }

  // "NIK: NIK ini sudah terdaftar …" lines from an API error body.
  function messages(answer) {
    const lines = [];
    const errors = (answer && answer.errors) || {};
    for (const [field, list] of Object.entries(errors)) {
      for (const text of [].concat(list)) {
        const flat = typeof text === "string" ? text : JSON.stringify(text);
        lines.push(field === "non_field_errors" ? flat : `${LABELS[field] || field}: ${flat}`);
      }
    }
    if (!lines.length && answer && answer.detail) lines.push(answer.detail);
    return lines;
  }

  scope.DSJEntries = {
    make, amend, check, body, messages, paymentDue, nikProblems, isoDate, isoMonth, rupiah, formatRupiah, showMonth,
  };
})(self);
