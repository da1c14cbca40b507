/* The recommendation card: the payload of threshold_kb.recommend.to_payload drawn for the widget.
 *
 * rasa-webchat renders custom messages with a React component (its `customComponent`). Its bundle
 * carries React but does not expose it, so elements are built here as plain React element objects
 * (the shape React.createElement returns, keyed by the global Symbol.for("react.element")). No
 * build step, no second copy of React. Every string shown comes from the payload: nothing here
 * adds a contact.
 *
 * A payload that does not fit docs/recommendation.schema.json is drawn as FALLBACK, never thrown:
 * an error while rendering would unmount the whole widget, and it keeps the message in session
 * storage, so the tab would stay blank after every reload. Values are checked where they are read
 * (text(), list()), and h() refuses any child React could not render, so a card that builds also
 * renders; the try/catch in CustomMessage is then all the guard needed (no error boundary, which
 * would need React.Component).
 */
(function () {
  "use strict";
  var REACT_ELEMENT = Symbol.for("react.element");
  var FALLBACK = "This answer could not be shown. If a child may be in danger now, call 999. " +
    "Otherwise talk to your designated safeguarding lead and contact the front door.";
  var MAX_TEXT = 10000;  // the knowledge base's longest string is under 1,000 characters
  var MAX_FALLBACK_TEXT = 1000;

  function h(type, props) {
    var children = [];
    for (var i = 2; i < arguments.length; i++) children.push(arguments[i]);
    children = flatten(children).filter(function (c) { return c !== null && c !== undefined && c !== false && c !== ""; });
    children.forEach(function (c) {
      // JSON cannot make the symbol, so a payload object can never pass for an element.
      if (typeof c !== "string" && typeof c !== "number" && !(c && c.$$typeof === REACT_ELEMENT)) {
        throw new TypeError("not renderable: " + typeof c);
      }
    });
    var p = Object.assign({}, props || {});
    var key = p.key === undefined ? null : String(p.key);
    delete p.key;
    if (children.length === 1) p.children = children[0];
    else if (children.length > 1) p.children = children;
    return { $$typeof: REACT_ELEMENT, type: type, key: key, ref: null, props: p, _owner: null };
  }

  function flatten(list) {
    return list.reduce(function (all, item) {
      return all.concat(Array.isArray(item) ? flatten(item) : [item]);
    }, []);
  }

  // A payload value shown as text: a string (or number) of sane length, or the card is not drawn.
  function text(value) {
    if (typeof value === "number") return String(value);
    if (typeof value !== "string" || value.length > MAX_TEXT) throw new TypeError("not text");
    return value;
  }

  // An optional text: absent (null or undefined) gives "".
  function optional(value) { return value === null || value === undefined ? "" : text(value); }

  // A payload list: absent gives [], anything else that is not an array fails the card.
  function list(value) {
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) throw new TypeError("not a list");
    return value;
  }

  // A citation's words; the schema allows a null citation.
  function citeText(cite) { return cite === null || cite === undefined ? "" : text(cite.text); }

  function keyed(items, draw) {
    return list(items).map(function (item, i) {
      var element = draw(item, i);
      return element ? Object.assign({}, element, { key: String(i) }) : null;
    });
  }

  // The number as published, dialled as digits (a leading + kept, an international "(0)" dropped).
  function telHref(phone) { return "tel:" + phone.replace("(0)", "").replace(/[^\d+]/g, ""); }

  // An http(s) link for a published web address (https:// added when it has no scheme), or null:
  // a javascript: or other address from the payload must never become a live link.
  function webHref(address) {
    address = address.trim();
    if (!address || /\s/.test(address)) return null;
    if (/^https?:\/\//i.test(address)) return address;
    if (/^[a-z][a-z0-9+.-]*:/i.test(address)) return null;
    return "https://" + address;
  }

  var STATUS = { open: "open now", closed: "closed now", unknown: "", internal: "in your organisation" };

  // Own keys only: a status of "constructor" must not show Object's source.
  function statusText(status) { return Object.prototype.hasOwnProperty.call(STATUS, status) ? STATUS[status] : ""; }

  function danger(payload) {
    if (!payload.immediate_danger) return null;
    var said = list(payload.danger).map(function (d) { return text(d.label); }).join("; ");
    return h("div", { className: "ta-danger", role: "alert" },
      h("p", null, h("strong", null, "Call " + text(payload.emergency_number) + " now"),
        " (police or ambulance) if a child may be in danger."),
      said ? h("p", null, "What suggests danger now: " + said + ".") : null);
  }

  // A child has told, or an allegation: what to do and not to do, first (after 999). Quoted points
  // with their publisher, marked as not the authority's; then the authority's own lines.
  function disclosureGuidance(payload) {
    var g = payload.guidance;
    if (!g || !list(g.points).length) return null;
    return h("section", { className: "ta-section ta-disclosure", role: "note", "aria-label": text(g.heading) },
      h("p", null, h("strong", null, text(g.heading))),
      h("p", { className: "ta-subtle" }, optional(g.whose)),
      h("ul", null, keyed(g.points, function (p) {
        return h("li", null, "\u201c" + text(p.quote) + "\u201d (" + text(p.publisher).split(" (")[0] + ")");
      })),
      list(g.authority).length ? h("ul", null, keyed(g.authority, function (x) {
        return h("li", null, "\u201c" + text(x.quote) + "\u201d (" + citeText(x.cite) + ")");
      })) : null);
  }

  function level(payload) {
    if (!payload.classified || !payload.level) {
      return h("div", { className: "ta-level" },
        h("h4", { className: "ta-level-name" }, "No level suggested"),
        h("p", null, text(payload.why)));
    }
    var lv = payload.level;
    return h("div", { className: "ta-level" + (lv.statutory ? " ta-statutory" : "") },
      h("h4", { className: "ta-level-name" }, text(lv.label)),
      h("p", { className: "ta-level-kind" }, lv.statutory ? "Statutory level (children's social care)" : "Below the statutory threshold"),
      precaution(payload),
      h("p", null, text(payload.why)),
      citeText(lv.cite) ? h("p", { className: "ta-cite" }, "Source: " + citeText(lv.cite)) : null);
  }

  // A document too old (or undated) to rely on without checking the authority's current guidance.
  function ageWarning(payload) {
    var warning = optional(payload.document.age_warning);
    return warning ? h("p", { className: "ta-age", role: "note" }, warning) : null;
  }

  // A level suggested as a precaution (the words fit a range of levels) says so beside the heading.
  function precaution(payload) {
    var low = payload.alternative_level;
    if (!payload.precautionary || !low) return null;
    return h("p", { className: "ta-precaution" },
      "Suggested as a precaution: the words fit " + text(low.label) + " to " + text(payload.level.label) + ".");
  }

  // The best-fitting lower level, unless the reasons already say so.
  function alternative(payload) {
    var alt = payload.alternative_level;
    if (!alt || optional(payload.why).indexOf(text(alt.label)) >= 0) return null;
    return h("p", { className: "ta-alternative" }, "It is close to " + text(alt.label) + ".");
  }

  // What would move the level, in the document's words (the triage's "changes").
  function changes(payload) {
    var items = list(payload.triage && payload.triage.changes);
    if (!items.length) return null;
    return h("section", { className: "ta-changes" },
      h("h4", null, "What would change the level"),
      h("ul", null, keyed(items, function (c) {
        return h("li", null, "If " + text(c["if"]) + ": " + text(c.level) + ". ",
          h("q", null, text(c.quote)), " ", h("span", { className: "ta-cite" }, "(" + citeText(c.cite) + ")"));
      })));
  }

  // The Signs of Safety map, built from the practitioner's answers.
  function signsOfSafety(payload) {
    var map = payload.signs_of_safety || {};
    var rows = [["What are we worried about?", map.worried], ["What's working well?", map.working_well],
      ["What needs to happen?", map.needs_to_happen]].filter(function (r) { return r[1]; });
    if (!rows.length) return null;
    return h("section", { className: "ta-sos" },
      h("h4", null, "Signs of Safety map"),
      h("ul", null, keyed(rows, function (r) { return h("li", null, h("strong", null, r[0] + " "), text(r[1])); })));
  }

  // Where a borrowed indicator comes from, by the authority's name (borrowed_from is its internal slug).
  function borrowed(ind) {
    if (!ind.borrowed_from) return "";
    var owner = optional(ind.borrowed_from_name);
    return owner ? " (from " + owner + "'s document)" : " (from another document)";
  }

  function indicators(payload) {
    var shown = list(payload.indicators).slice(0, 5);
    if (!shown.length) return null;
    return h("section", { className: "ta-section", "aria-label": "Matched indicators" },
      h("h4", null, "In the document's own words"),
      h("ul", { className: "ta-indicators" }, keyed(shown, function (ind) {
        return h("li", null,
          h("q", null, "\u201C" + text(ind.text) + "\u201D"),
          h("span", { className: "ta-cite" },
            " Level " + text(ind.level) + ". " + citeText(ind.cite) +
            borrowed(ind)));
      })));
  }

  function contactLinks(step) {
    var links = [];
    list(step.phones).forEach(function (phone) {
      links.push(h("a", { className: "ta-contact ta-phone", href: telHref(text(phone)) }, phone));
    });
    list(step.emails).forEach(function (email) {
      links.push(h("a", { className: "ta-contact ta-email", href: "mailto:" + text(email) }, email));
    });
    list(step.web).forEach(function (url) {
      var href = webHref(text(url));
      if (href) links.push(h("a", { className: "ta-contact ta-web", href: href, target: "_blank", rel: "noopener noreferrer" }, url));
    });
    return links.length ? h("p", { className: "ta-contacts" }, keyed(links, function (l) { return l; })) : null;
  }

  function nextSteps(payload) {
    return h("section", { className: "ta-section", "aria-label": "Who to contact" },
      h("h4", null, "Who to contact"),
      h("ol", { className: "ta-steps" }, keyed(payload.next_steps, function (step) {
        var when = [optional(step.hours), statusText(step.status)].filter(Boolean).join(", ");
        var asks = list(step.asks_for).map(text);
        return h("li", null,
          h("strong", null, text(step.name)),
          when ? h("span", { className: "ta-when" }, " (" + when + ")") : null,
          contactLinks(step),
          optional(step.note) ? h("p", { className: "ta-note" }, step.note) : null,
          asks.length ? h("p", null, "They will ask for: " + asks.join("; ")) : null);
      })));
  }

  // Where none of the authority's next steps has a phone number: the national lines from the
  // payload (999, police 101, the NSPCC Helpline), tap to call, marked as national, not the authority's.
  function national(payload, authority) {
    var routes = list(payload.national_routes);
    var missing = payload.missing_numbers ? h("p", { className: "ta-missing" },
      authority + "'s document publishes no phone number for these routes" + (routes.length ? "." : "; use what it gives.")) : null;
    if (!routes.length) return missing;
    return h("section", { className: "ta-section ta-national", "aria-label": "National lines" },
      missing,
      h("h4", null, "National lines you can ring now, not " + authority + "'s"),
      h("ul", { className: "ta-national-routes" }, keyed(routes, function (route) {
        var status = route.availability === "scheduled" ? statusText(route.status) : "";
        var when = [optional(route.hours), status].filter(Boolean).join(", ");
        return h("li", null,
          h("strong", null, text(route.name)),
          " " + optional(route.use),
          when ? h("span", { className: "ta-when" }, " (" + when + ")") : null,
          contactLinks(route),
          list(route.emails).length && optional(route.email_hours)
            ? h("p", { className: "ta-note" }, "Email: " + route.email_hours) : null);
      })));
  }

  function quoted(title, label, items) {
    if (!list(items).length) return null;
    return h("section", { className: "ta-section", "aria-label": label },
      h("h4", null, title),
      keyed(items, function (item) {
        return h("blockquote", null, h("p", null, text(item.quote)), h("footer", { className: "ta-cite" }, citeText(item.cite)));
      }));
  }

  function record(payload, practitioner) {
    return h("section", { className: "ta-section", "aria-label": "What to record" },
      h("h4", null, "What to record"),
      h("ul", null, keyed(payload.record, function (line) { return h("li", null, text(line)); })),
      practitioner ? h("p", { className: "ta-practitioner" },
        "Consultation recorded for " + [practitioner.name, practitioner.role, practitioner.organisation]
          .map(optional).filter(Boolean).join(", ") + ".") : null);
  }

  // A tap-to-call number as published.
  function phoneLink(phone) {
    return h("a", { className: "ta-contact ta-phone", href: telHref(text(phone)) }, phone);
  }

  // The answer first (payload.short, made by the domain core): 999 if danger, the level in the
  // authority's words, what to do now and by when, who to ring now. This is all a screen reader
  // announces: the rest of the card is in closed sections.
  function shortPart(payload) {
    var s = payload.short;
    var lv = payload.classified && payload.level ? payload.level : null;
    var said = list(payload.danger).map(function (d) { return text(d.label); }).join("; ");
    var calls = list(s.calls);
    return h("div", { className: "ta-short" + (lv && lv.statutory ? " ta-statutory" : "") },
      optional(s.danger) ? h("div", { className: "ta-danger", role: "alert" },
        h("p", null, h("a", { className: "ta-contact ta-phone ta-999", href: telHref(text(payload.emergency_number)) },
          "Call " + payload.emergency_number + " now"), " (police or ambulance)."),
        said ? h("p", { className: "ta-danger-said" }, "What suggests danger now: " + said + ".") : null) : null,
      disclosureGuidance(payload),  // a child has told: what to do and not to do, before anything else but 999
      h("h3", { className: "ta-level-head" }, text(s.level)),
      h("p", { className: "ta-do-now" }, h("strong", null, "Do now: "), text(s.do_now)),
      optional(s.by_when) ? h("p", { className: "ta-by-when" }, h("strong", null, "By when: "), s.by_when) : null,
      calls.length ? h("div", { className: "ta-calls" },
        h("p", { className: "ta-calls-head" }, h("strong", null, "Ring now:")),
        h("ul", null, keyed(calls, function (c) {
          return h("li", null, text(c.name) + (c.national ? " (national)" : "") + " ", phoneLink(c.phone));
        }))) : null);
  }

  // A section shown on demand: <details>, opened by Enter or Space on its summary.
  function section(name, title, body) {
    body = flatten([body]).filter(Boolean);
    if (!body.length) return null;
    return h("details", { className: "ta-more ta-more-" + name },
      h("summary", null, title),
      h("div", { className: "ta-more-body" }, body));
  }

  function source(payload, authority) {
    var lv = payload.level;
    return [
      h("p", { className: "ta-authority", key: "doc" }, authority + ". " + text(payload.document.title) + " (" + text(payload.document.date) + ")"),
      lv && citeText(lv.cite) ? h("p", { className: "ta-cite", key: "cite" }, "Level: " + citeText(lv.cite)) : null,
      ageWarning(payload) ? Object.assign({}, ageWarning(payload), { key: "age" }) : null
    ];
  }

  // The consultation record (payload.consultation_record): its reference, to copy or print for the
  // designated safeguarding lead: copied, printed, or downloaded as a PDF made in the page (record_pdf.js).
  function consultationRecord(payload) {
    var r = payload.consultation_record;
    if (!r || typeof r !== "object" || !optional(r.reference)) return null;
    var body = optional(r.text);
    return h("details", { className: "ta-more ta-more-consultation-record" },
      h("summary", null, "Your record " + text(r.reference) + ": copy, print or download"),
      h("div", { className: "ta-more-body" },
        h("p", null, "Quote this reference to your designated safeguarding lead. It holds no child's name, address or date of birth."),
        body ? h("div", { className: "ta-record-actions" },
          h("button", { type: "button", className: "ta-record-copy", onClick: function () { copyRecord(body); } }, "Copy"),
          h("button", { type: "button", className: "ta-record-print", onClick: function () { printRecord(text(r.reference), body); } },
            "Print"),
          window.ThresholdsRecordPdf ? h("button", { type: "button", className: "ta-record-pdf",
            onClick: function () { window.ThresholdsRecordPdf.download(text(r.reference), body); } }, "Download PDF") : null) : null,
        body ? h("pre", { className: "ta-record-text" }, body) : null));
  }

  function copyRecord(body) {
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(body);
  }

  // A page of its own holding only the record, as text (never as HTML), then the print dialog.
  function printRecord(reference, body) {
    var w = window.open("", "_blank");
    if (!w) return;
    recordPrintPage(w.document, reference, body);
    w.focus();
    w.print();
  }

  // The printed record: the whole of a document given over to its text, in print-sized type.
  function recordPrintPage(doc, reference, body) {
    doc.title = "Consultation record " + reference;
    var style = doc.createElement("style");
    style.textContent = "body{font:12pt/1.4 Arial,sans-serif;margin:1.5cm;color:#000;background:#fff}" +
      "pre{white-space:pre-wrap;overflow-wrap:anywhere;font:inherit;margin:0}@page{margin:1.5cm}";
    doc.head.appendChild(style);
    var pre = doc.createElement("pre");
    pre.textContent = body;
    doc.body.replaceChildren(pre);
  }

  function card(payload) {
    // A card naming no one to contact would leave the practitioner with nowhere to go.
    if (!list(payload.next_steps).length) throw new TypeError("no next steps");
    var authority = text(payload.authority.name);
    var title = authority + ": " + (payload.level && payload.classified ? text(payload.level.label) : "no level suggested");
    if (!payload.short || typeof payload.short !== "object") return fullCard(payload, authority, title);
    var reasons = [level(payload), optional(payload.scale_warning) ? h("p", { className: "ta-warning", role: "note" }, payload.scale_warning) : null,
      alternative(payload), changes(payload), indicators(payload)].filter(Boolean);
    var followup = payload.written_followup ? quoted("Follow up in writing", "Follow up in writing", [payload.written_followup]) : null;
    return h("article", { className: "ta-card", "aria-label": "Recommendation. " + title },
      shortPart(payload),
      h("div", { className: "ta-details" },
        section("why", "Why this level", keyed(reasons, function (r) { return r; })),
        section("contacts", "All contacts and hours", [nextSteps(payload), national(payload, authority)].filter(Boolean).map(function (e, i) { return Object.assign({}, e, { key: String(i) }); })),
        section("consent", "Consent and written follow-up", [quoted("Consent", "Consent", payload.consent), followup].filter(Boolean).map(function (e, i) { return Object.assign({}, e, { key: String(i) }); })),
        section("record", "What to record", [record(payload, payload.practitioner), signsOfSafety(payload)].filter(Boolean).map(function (e, i) { return Object.assign({}, e, { key: String(i) }); })),
        section("source", "Source and its age", source(payload, authority)),
        consultationRecord(payload)));
  }

  // A payload from before the short part (kept in a tab's session storage): everything, in order.
  function fullCard(payload, authority, title) {
    return h("article", { className: "ta-card", "aria-label": "Recommendation. " + title },
      danger(payload),
      disclosureGuidance(payload),
      h("p", { className: "ta-authority" }, authority + ". " + text(payload.document.title) + " (" + text(payload.document.date) + ")"),
      level(payload),
      ageWarning(payload),
      optional(payload.scale_warning) ? h("p", { className: "ta-warning", role: "note" }, payload.scale_warning) : null,
      alternative(payload),
      changes(payload),
      indicators(payload),
      nextSteps(payload),
      national(payload, authority),
      quoted("Consent", "Consent", payload.consent),
      payload.written_followup ? quoted("Follow up in writing", "Follow up in writing", [payload.written_followup]) : null,
      signsOfSafety(payload),
      record(payload, payload.practitioner));
  }

  // What to show instead of a card: the safe route, and the payload's own plain text if it has one
  // (as a text child, which React escapes; never as HTML).
  function fallback(payload) {
    var said = ["text", "fallback_text", "fallback"].map(function (k) { return payload[k]; })
      .filter(function (v) { return typeof v === "string" && v.trim(); })[0];
    if (said && said.length > MAX_FALLBACK_TEXT) said = said.slice(0, MAX_FALLBACK_TEXT) + "\u2026";
    return h("div", { className: "ta-fallback", role: "alert" },
      h("p", null, FALLBACK), said ? h("p", { className: "ta-fallback-text" }, said) : null);
  }

  // The widget's customComponent: any custom message that is not a recommendation is shown as text.
  function CustomMessage(props) {
    var payload = props && props.custom;
    if (payload && payload.type === "threshold_recommendation") {
      try {
        return card(payload);
      } catch (error) {
        if (window.console) window.console.warn("Thresholds: a recommendation could not be drawn:", error);
        return fallback(payload);
      }
    }
    return h("div", { className: "rw-response" }, JSON.stringify(payload || {}));
  }

  window.ThresholdsCard = { CustomMessage: CustomMessage, card: card, recordPrintPage: recordPrintPage, telHref: telHref, webHref: webHref, FALLBACK: FALLBACK };
})();
