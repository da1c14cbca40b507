/* Makes the record's PDF with web/assets/record_pdf.js in Node, for test_record_pdf.py.
 * stdin: {"reference": ..., "text": ...}; stdout: the PDF's bytes, base64. */
"use strict";
const path = require("path");
global.window = {};
require(path.join(__dirname, "..", "..", "web", "assets", "record_pdf.js"));
let input = "";
process.stdin.on("data", (d) => { input += d; });
process.stdin.on("end", () => {
  const { reference, text } = JSON.parse(input);
  process.stdout.write(Buffer.from(global.window.ThresholdsRecordPdf.bytes(reference, text)).toString("base64"));
});
