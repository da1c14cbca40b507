/* The recommendation card: the payload of threshold_kb.recommend.to_payload drawn for the widget.
 *
 * rasa-webchat renders custom messages with a React component (its `customComponent`). Its bundle
 * carries React but does not expose it, so elements are built here as plain React element objects
 * (the shape React.createElement returns, keyed by the global Symbol.for("react.element")). No
 * build step, no second copy of React. Every string shown comes from the payload: nothing here
 * adds a contact.
 */
(function () {
  "use strict";
  var REACT_ELEMENT = Symbol.for("react.element");

  function h(type, props) {
    var children = [];
    for (var i = 2; i < arguments.length; i++) children.push(arguments[i]);
    children = flatten(children).filter(function (c) { return c !== null && c !== undefined && c !== false && c !== ""; });
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

  function keyed(items, draw) {
    return (items || []).map(function (item, i) {
      var element = draw(item, i);
      return element ? Object.assign({}, element, { key: String(i) }) : null;
    });
  }

  // The number as published, dialled as digits (a leading + kept, an international "(0)" dropped).
  function telHref(phone) { return "tel:" + phone.replace("(0)", "").replace(/[^\d+]/g, ""); }

  var STATUS = { open: "open now", closed: "closed now", unknown: "", internal: "in your organisation" };

  function danger(payload) {
    if (!payload.immediate_danger) return null;
    var said = (payload.danger || []).map(function (d) { return d.label; }).join("; ");
    return h("div", { className: "ta-danger", role: "alert" },
      h("p", null, h("strong", null, "Call " + payload.emergency_number + " now"),
        " (police or ambulance) if a child may be in danger."),
      said ? h("p", null, "What suggests danger now: " + said + ".") : null);
  }

  function level(payload) {
    if (!payload.classified || !payload.level) {
      return h("div", { className: "ta-level" },
        h("h3", { className: "ta-level-name" }, "No level suggested"),
        h("p", null, payload.why));
    }
    var lv = payload.level;
    return h("div", { className: "ta-level" + (lv.statutory ? " ta-statutory" : "") },
      h("h3", { className: "ta-level-name" }, lv.label),
      h("p", { className: "ta-level-kind" }, lv.statutory ? "Statutory level (children's social care)" : "Below the statutory threshold"),
      precaution(payload),
      h("p", null, payload.why),
      h("p", { className: "ta-cite" }, "Source: " + lv.cite.text));
  }

  // A level suggested as a precaution (the words fit a range of levels) says so beside the heading.
  function precaution(payload) {
    var low = payload.alternative_level;
    if (!payload.precautionary || !low) return null;
    return h("p", { className: "ta-precaution" },
      "Suggested as a precaution: the words fit " + low.label + " to " + payload.level.label + ".");
  }

  // The best-fitting lower level, unless the reasons already say so.
  function alternative(payload) {
    var alt = payload.alternative_level;
    if (!alt || (payload.why || "").indexOf(alt.label) >= 0) return null;
    return h("p", { className: "ta-alternative" }, "It is close to " + alt.label + ".");
  }

  // What would move the level, in the document's words (the triage's "changes").
  function changes(payload) {
    var items = (payload.triage && payload.triage.changes) || [];
    if (!items.length) return null;
    return h("section", { className: "ta-changes" },
      h("h4", null, "What would change the level"),
      h("ul", null, keyed(items, function (c) {
        return h("li", null, "If " + c["if"] + ": " + c.level + ". ",
          h("q", null, c.quote), " ", h("span", { className: "ta-cite" }, "(" + ((c.cite && c.cite.text) || "") + ")"));
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
      h("ul", null, keyed(rows, function (r) { return h("li", null, h("strong", null, r[0] + " "), r[1]); })));
  }

  function indicators(payload) {
    var shown = (payload.indicators || []).slice(0, 5);
    if (!shown.length) return null;
    return h("section", { className: "ta-section", "aria-label": "Matched indicators" },
      h("h4", null, "In the document's own words"),
      h("ul", { className: "ta-indicators" }, keyed(shown, function (ind) {
        return h("li", null,
          h("q", null, "\u201C" + ind.text + "\u201D"),
          h("span", { className: "ta-cite" },
            " Level " + ind.level + ". " + ind.cite.text + (ind.borrowed_from ? " (from " + ind.borrowed_from + "'s document)" : "")));
      })));
  }

  function contactLinks(step) {
    var links = [];
    (step.phones || []).forEach(function (phone) {
      links.push(h("a", { className: "ta-contact ta-phone", href: telHref(phone) }, phone));
    });
    (step.emails || []).forEach(function (email) {
      links.push(h("a", { className: "ta-contact ta-email", href: "mailto:" + email }, email));
    });
    (step.web || []).forEach(function (url) {
      links.push(h("a", { className: "ta-contact ta-web", href: url, target: "_blank", rel: "noopener noreferrer" }, url));
    });
    return links.length ? h("p", { className: "ta-contacts" }, keyed(links, function (l) { return l; })) : null;
  }

  function nextSteps(payload) {
    return h("section", { className: "ta-section", "aria-label": "Who to contact" },
      h("h4", null, "Who to contact"),
      h("ol", { className: "ta-steps" }, keyed(payload.next_steps, function (step) {
        var when = [step.hours, STATUS[step.status]].filter(Boolean).join(", ");
        return h("li", null,
          h("strong", null, step.name),
          when ? h("span", { className: "ta-when" }, " (" + when + ")") : null,
          contactLinks(step),
          step.note ? h("p", { className: "ta-note" }, step.note) : null,
          (step.asks_for || []).length ? h("p", null, "They will ask for: " + step.asks_for.join("; ")) : null);
      })));
  }

  function quoted(title, label, items) {
    if (!items.length) return null;
    return h("section", { className: "ta-section", "aria-label": label },
      h("h4", null, title),
      keyed(items, function (item) {
        return h("blockquote", null, h("p", null, item.quote), h("footer", { className: "ta-cite" }, item.cite.text));
      }));
  }

  function record(payload, practitioner) {
    return h("section", { className: "ta-section", "aria-label": "What to record" },
      h("h4", null, "What to record"),
      h("ul", null, keyed(payload.record, function (line) { return h("li", null, line); })),
      practitioner ? h("p", { className: "ta-practitioner" },
        "Consultation recorded for " + [practitioner.name, practitioner.role, practitioner.organisation].filter(Boolean).join(", ") + ".") : null);
  }

  function card(payload) {
    var title = payload.authority.name + ": " + (payload.level && payload.classified ? payload.level.label : "no level suggested");
    return h("article", { className: "ta-card", "aria-label": "Recommendation. " + title },
      danger(payload),
      h("p", { className: "ta-authority" }, payload.authority.name + ". " + payload.document.title + " (" + payload.document.date + ")"),
      level(payload),
      payload.scale_warning ? h("p", { className: "ta-warning", role: "note" }, payload.scale_warning) : null,
      alternative(payload),
      changes(payload),
      indicators(payload),
      nextSteps(payload),
      quoted("Consent", "Consent", payload.consent || []),
      payload.written_followup ? quoted("Follow up in writing", "Follow up in writing", [payload.written_followup]) : null,
      signsOfSafety(payload),
      record(payload, payload.practitioner));
  }

  // The widget's customComponent: any custom message that is not a recommendation is shown as text.
  function CustomMessage(props) {
    var payload = props && props.custom;
    if (payload && payload.type === "threshold_recommendation") return card(payload);
    return h("div", { className: "rw-response" }, JSON.stringify(payload || {}));
  }

  window.ThresholdsCard = { CustomMessage: CustomMessage, card: card, telHref: telHref };
})();
