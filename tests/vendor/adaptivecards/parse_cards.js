// Reads a JSON list of Adaptive Cards on stdin; writes, for each, the problems the
// adaptivecards package finds when it parses and validates the card (an empty list: none).
const AC = require("./adaptivecards.min.js");

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const results = JSON.parse(input).map((json) => {
    const problems = [];
    const context = new AC.SerializationContext();
    const card = new AC.AdaptiveCard();
    try {
      card.parse(json, context);
    } catch (error) {
      return [`parse threw: ${error}`];
    }
    for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
    for (const event of card.validateProperties().validationEvents) problems.push(event.message);
    if (!card.version || `${card.version.major}.${card.version.minor}` !== json.version)
      problems.push(`version ${json.version} not understood`);
    // Whatever the parser dropped (an unknown property, a misspelt value) is lost on Teams too.
    const back = card.toJSON();
    if (back.body?.length !== json.body?.length) problems.push("body elements were dropped");
    if ((back.actions?.length ?? 0) !== (json.actions?.length ?? 0)) problems.push("actions were dropped");
    return problems;
  });
  process.stdout.write(JSON.stringify(results));
});
