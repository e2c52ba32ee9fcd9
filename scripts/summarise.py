"""Prints an evaluation (JSON on stdin) as a shopper would read the cart drawer."""
import json
import sys

out = json.load(sys.stdin)
for bar in out["bars"]:
    filled = bar["progress_bp"] * 30 // 10000
    print("    [%s%s] %s" % ("#" * filled, "." * (30 - filled), bar["message"] or "(no message)"))
for action in out["actions"]:
    print("    -> %s variant %d x%d (%s)" % (action["type"], action["variant_id"],
                                            action["quantity"], action["reason"]))
for reward in out["rewards"]:
    if reward.get("choice_required"):
        names = ", ".join(o["title"] or str(o["variant_id"]) for o in reward["options"]
                          if o["available"])
        print("    ?  choose %d of: %s" % (reward["choose"], names))
for offer in out["offers"]:
    print("    +  add %s (%s) to get closer to %s" % (offer["title"] or offer["variant_id"],
                                                      offer["price_formatted"], offer["tier"]))
