/* The consultation record as a PDF, made in the browser from the record's own text: nothing is sent
 * anywhere and no library is fetched. A4 pages of Helvetica (one of the 14 fonts every PDF reader
 * has), WinAnsi encoding: the record's curly quotes, dashes and pound signs map to it; any other
 * character outside it prints as "?" rather than breaking the file.
 *
 * window.ThresholdsRecordPdf.bytes(reference, text) -> Uint8Array of the PDF file.
 */
(function () {
  "use strict";

  var PAGE_W = 595, PAGE_H = 842, MARGIN = 50, SIZE = 10, LEADING = 13;
  var LINES_PER_PAGE = Math.floor((PAGE_H - 2 * MARGIN) / LEADING);
  var CHARS_PER_LINE = 95;  // Helvetica at 10 pt averages under 5 pt a character: 495 pt of line

  // Windows-1252 above Latin-1's range, for the characters a record holds.
  var WIN_ANSI = { "\u20ac": 0x80, "\u2026": 0x85, "\u2018": 0x91, "\u2019": 0x92, "\u201c": 0x93,
    "\u201d": 0x94, "\u2022": 0x95, "\u2013": 0x96, "\u2014": 0x97 };

  function encode(ch) {
    var code = ch.charCodeAt(0);
    if (WIN_ANSI[ch] !== undefined) return String.fromCharCode(WIN_ANSI[ch]);
    if (code >= 0x20 && code < 0x7f) return ch;
    if (code >= 0xa0 && code <= 0xff) return ch;
    return "?";
  }

  // A PDF string literal: backslash and both parentheses escaped.
  function literal(line) {
    return "(" + line.split("").map(encode).join("").replace(/[\\()]/g, "\\$&") + ")";
  }

  function wrap(text) {
    var out = [];
    String(text).replace(/\r\n?/g, "\n").split("\n").forEach(function (para) {
      var line = "";
      para.split(/\s+/).filter(Boolean).forEach(function (word) {
        while (word.length > CHARS_PER_LINE) {  // a long web address: cut it, never run off the page
          if (line) { out.push(line); line = ""; }
          out.push(word.slice(0, CHARS_PER_LINE));
          word = word.slice(CHARS_PER_LINE);
        }
        if (line && line.length + 1 + word.length > CHARS_PER_LINE) { out.push(line); line = ""; }
        line = line ? line + " " + word : word;
      });
      out.push(line);
    });
    return out;
  }

  function pages(lines) {
    var out = [];
    for (var i = 0; i < lines.length; i += LINES_PER_PAGE) out.push(lines.slice(i, i + LINES_PER_PAGE));
    return out.length ? out : [[""]];
  }

  // The file as a string of single-byte characters: its length is its size in bytes.
  function pdfSource(reference, text) {
    var chunks = pages(wrap(text));
    var objects = [];  // objects[n - 1] is object n
    objects.push("<< /Type /Catalog /Pages 2 0 R >>");
    objects.push(null);  // the page tree, once the pages are numbered
    objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    objects.push("<< /Title " + literal("Consultation record " + reference) + " /Producer (Thresholds Assistant) >>");
    var kids = [];
    chunks.forEach(function (lines) {
      var stream = "BT /F1 " + SIZE + " Tf " + LEADING + " TL " + MARGIN + " " + (PAGE_H - MARGIN) + " Td\n" +
        lines.map(function (l) { return literal(l) + " Tj T*"; }).join("\n") + "\nET";
      objects.push("<< /Length " + stream.length + " >>\nstream\n" + stream + "\nendstream");
      var contents = objects.length;
      objects.push("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + PAGE_W + " " + PAGE_H + "] /Contents " +
        contents + " 0 R /Resources << /Font << /F1 3 0 R >> >> >>");
      kids.push(objects.length + " 0 R");
    });
    objects[1] = "<< /Type /Pages /Kids [" + kids.join(" ") + "] /Count " + kids.length + " >>";
    var out = "%PDF-1.4\n";
    var offsets = objects.map(function (body, i) {
      var at = out.length;
      out += (i + 1) + " 0 obj\n" + body + "\nendobj\n";
      return at;
    });
    var xref = out.length;
    out += "xref\n0 " + (objects.length + 1) + "\n0000000000 65535 f \n" +
      offsets.map(function (o) { return ("0000000000" + o).slice(-10) + " 00000 n \n"; }).join("");
    out += "trailer\n<< /Size " + (objects.length + 1) + " /Root 1 0 R /Info 4 0 R >>\nstartxref\n" + xref + "\n%%EOF\n";
    return out;
  }

  function bytes(reference, text) {
    var s = pdfSource(reference, text);
    var b = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
    return b;
  }

  // Offers the file as a download named after the reference.
  function download(reference, text) {
    var url = URL.createObjectURL(new Blob([bytes(reference, text)], { type: "application/pdf" }));
    var a = window.document.createElement("a");
    a.href = url;
    a.download = "consultation-record-" + reference + ".pdf";
    window.document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  window.ThresholdsRecordPdf = { bytes: bytes, download: download };
})();
