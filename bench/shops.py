"""Synthetic shops for memory and scale figures: N FAQ pages, each different, the same for a seed.

    python -m bench.shops OUT --shops 300 [--seed 16]

Each shop gets a trade (its products), a name, its own terms (return window, free-shipping line,
carriers, countries, processing days, ...) and 30-60 passages drawn from a pool of question
templates in several wordings, each answered in one to three sentences chosen from the template's.
Pages share the vocabulary of shop FAQs (as real ones do) but no two are the same page. Written as
OUT/<shop>/faq.txt and store.toml, the layout `faqbot build` reads; no policy.toml, so each
store's policy is read off its page, as for a pasted page. Not for scoring answers: there are no
labelled questions, only `question(shop)` to ask each shop something it answers.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

TRADES = {
    "jewelry": ("rings", "ring", "sterling silver"), "candles": ("candles", "candle", "soy wax"),
    "coffee": ("coffee beans", "bag of coffee", "single-origin beans"), "shoes": ("shoes", "pair of shoes", "leather"),
    "tea": ("loose-leaf teas", "tin of tea", "organic leaves"), "records": ("vinyl records", "record", "heavyweight vinyl"),
    "plants": ("house plants", "plant", "peat-free soil"), "bikes": ("bike parts", "part", "aluminium"),
    "toys": ("wooden toys", "toy", "beech wood"), "spices": ("spice blends", "jar of spices", "whole spices"),
    "bedding": ("sheets", "sheet set", "percale cotton"), "pets": ("dog treats", "bag of treats", "grain-free recipes"),
    "art": ("art supplies", "paint set", "artist-grade pigment"), "outdoor": ("camping gear", "tent", "ripstop nylon"),
    "beauty": ("skincare", "serum", "vegan ingredients"), "books": ("used books", "book", "archival paper"),
    "wine": ("wine accessories", "decanter", "lead-free crystal"), "knitting": ("yarns", "skein", "merino wool"),
    "kitchen": ("knives", "knife", "carbon steel"), "games": ("board games", "game", "recycled board"),
}
FIRST = ("North", "Little", "Golden", "Maple", "Harbor", "Copper", "Willow", "Blue", "Oak", "Silver", "Red", "Old", "Bright", "Pine", "Stone", "River")
SECOND = ("Lane", "Works", "House", "Co", "Supply", "Studio", "Market", "Trading", "Goods", "Collective", "Depot", "Corner")
CARRIERS = ("USPS", "UPS", "FedEx", "DHL", "Canada Post", "Royal Mail", "Australia Post")
COUNTRIES = ("the United States", "Canada", "the United Kingdom", "Australia", "Germany", "France", "Japan", "New Zealand", "Ireland", "the Netherlands")
PAYMENTS = ("Visa", "Mastercard", "American Express", "PayPal", "Apple Pay", "Google Pay", "Shop Pay", "Klarna", "Afterpay")

# (section, wordings of the question, sentences of the answer: the first always, then some of the rest in order)
TEMPLATES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Shipping", ("How long does shipping take?", "When will my order arrive?", "What are your delivery times?"),
     ("Orders arrive within {transit} business days after they ship.", "Remote areas can take a few days longer.", "You will get an email with tracking when your order leaves us.")),
    ("Shipping", ("How much is shipping?", "What does shipping cost?"),
     ("Shipping is a flat {flat} per order.", "Orders over {free_over} ship free within {home}.", "Heavy items may cost more to ship; the checkout shows the exact price.")),
    ("Shipping", ("Do you offer free shipping?", "Is there free shipping?"),
     ("Yes: orders over {free_over} ship free within {home}.", "Smaller orders pay a flat {flat}.", "Free shipping does not apply to express delivery.")),
    ("Shipping", ("Which carriers do you use?", "Who delivers my order?"),
     ("We ship with {carrier} and {carrier2}.", "The carrier depends on the size of your parcel.", "Tracking is sent by email once your parcel is handed over.")),
    ("Shipping", ("Do you ship internationally?", "Which countries do you ship to?", "Can you ship abroad?"),
     ("We ship to {countries}.", "Customs duties and taxes are paid by the recipient.", "International orders take {intl} business days to arrive.")),
    ("Shipping", ("Do you offer express shipping?", "Can I get my order faster?"),
     ("Express delivery is available for {express} at checkout.", "Express orders placed before {cutoff} ship the same day.", "Express shipping is not available to PO boxes.")),
    ("Shipping", ("Do you ship to PO boxes?",),
     ("We ship to PO boxes with {carrier} only.", "Express shipping cannot be delivered to a PO box.")),
    ("Shipping", ("Can I pick up my order?", "Is local pickup available?"),
     ("Local pickup is free at our {city} workshop.", "Choose pickup at checkout and wait for the email saying your order is ready.", "Bring your order number and a photo ID.")),
    ("Orders", ("How long does it take to process my order?", "When will my order ship?"),
     ("Orders are processed within {processing} business days.", "Orders placed on weekends or holidays are processed the next business day.", "During sales processing can take a little longer.")),
    ("Orders", ("Can I cancel my order?", "How do I cancel an order?"),
     ("You can cancel within {cancel_hours} hours of placing your order by emailing {email}.", "Once an order has shipped it cannot be cancelled, but you can return it.", "Cancelled orders are refunded in full.")),
    ("Orders", ("Can I change my order after placing it?", "How do I change my shipping address?"),
     ("Email {email} as soon as possible with your order number and the change.", "We can change an order only before it ships.", "Address changes after shipping must be arranged with {carrier}.")),
    ("Orders", ("Where is my order?", "How do I track my order?", "Where can I find my tracking number?"),
     ("Your tracking number is in the shipping confirmation email.", "You can also track your order from your account page.", "Tracking can take {tracking_hours} hours to update after we ship.")),
    ("Orders", ("I did not receive an order confirmation. What should I do?",),
     ("Check your spam or junk folder first.", "If there is nothing after {confirm_hours} hours, email {email} with your name and the time of your order.")),
    ("Orders", ("My package says delivered but I don't have it. What can I do?", "What if my package is lost?"),
     ("Check with neighbours and around your door first, then contact {carrier}.", "If it has not turned up after {lost_days} days, email {email} and we will open a claim.", "We are not responsible for parcels stolen after delivery.")),
    ("Orders", ("Do you offer gift wrapping?", "Can you gift wrap my order?"),
     ("Gift wrapping is available for {wrap} per item at checkout.", "We can include a handwritten note at no charge.", "Prices are never printed on the packing slip.")),
    ("Orders", ("Can I order by phone?",),
     ("Yes, call us at {phone}, {hours}.", "Phone orders are charged the same prices as the website.")),
    ("Returns", ("What is your return policy?", "Can I return an item?", "How long do I have to return something?"),
     ("You can return unused {products} within {return_days} days of delivery.", "Items must be in their original packaging with tags attached.", "Sale items are final sale and cannot be returned.")),
    ("Returns", ("How do I start a return?", "How do I send something back?"),
     ("Email {email} with your order number and the items you want to return.", "We will send you a return label within {label_days} business days.", "Pack the items securely; we cannot accept returns damaged in transit.")),
    ("Returns", ("Who pays for return shipping?", "Is return shipping free?"),
     ("Return shipping is paid by the customer unless the item arrived damaged or wrong.", "A prepaid label costs {label_cost}, deducted from your refund.", "We recommend a tracked service for returns.")),
    ("Returns", ("Do you charge a restocking fee?",),
     ("Returns of opened {products} carry a {restock} restocking fee.", "Unopened returns have no fee.")),
    ("Returns", ("Can I exchange an item?", "Do you do exchanges?"),
     ("We exchange {products} for another size or colour within {return_days} days.", "Exchanges ship free once we receive your original item.", "If the new item costs more, we will send you an invoice for the difference.")),
    ("Returns", ("What items can't be returned?", "Are there items you don't accept back?"),
     ("Personalised items, gift cards and sale items cannot be returned.", "{Products} that have been used cannot be returned for hygiene reasons.")),
    ("Returns", ("What if my item arrived damaged?", "I received a broken item. What should I do?"),
     ("Email {email} within {damage_days} days of delivery with photos of the item and the packaging.", "We will send a replacement or a full refund, whichever you prefer.", "You do not need to return a damaged item unless we ask.")),
    ("Returns", ("I received the wrong item. What now?",),
     ("Sorry about that: email {email} with your order number and a photo of what arrived.", "We will ship the right item at no cost and send a label for the wrong one.")),
    ("Refunds", ("When will I get my refund?", "How long do refunds take?"),
     ("Refunds are issued within {refund_days} business days after your return reaches us.", "Your bank may take a few more days to show it.", "You will get an email when the refund is processed.")),
    ("Refunds", ("How will I be refunded?", "Do you refund to my card?"),
     ("Refunds go back to the original payment method.", "Orders paid with a gift card are refunded as store credit.", "Shipping costs are not refunded unless the return is our error.")),
    ("Refunds", ("Can I get store credit instead of a refund?",),
     ("Yes, store credit is issued the day your return arrives and never expires.", "Store credit comes with a {bonus} bonus.")),
    ("Payment", ("What payment methods do you accept?", "Which cards do you take?", "How can I pay?"),
     ("We accept {payments}.", "All payments are processed securely; we never see your full card number.", "Prices are charged in {currency}.")),
    ("Payment", ("Can I pay in instalments?", "Do you offer buy now pay later?"),
     ("Yes, {bnpl} lets you split orders over {bnpl_min} into four payments.", "Instalments are subject to approval by {bnpl}.")),
    ("Payment", ("When is my card charged?",),
     ("Your card is charged when you place the order.", "Pre-orders are charged when they ship.")),
    ("Payment", ("Do you charge sales tax?", "Is tax included in the price?"),
     ("Sales tax is added at checkout where required by law.", "Prices shown on the site do not include tax.")),
    ("Payment", ("Do you have discount codes?", "How do I use a promo code?"),
     ("Enter your code in the discount box at checkout.", "Only one code can be used per order.", "Sign up to our newsletter for {discount} off your first order.")),
    ("Payment", ("Do you price match?",),
     ("We do not price match other retailers.", "We do honour our own prices within {price_days} days of purchase.")),
    ("Products", ("What are your {products} made of?", "What materials do you use?"),
     ("Our {products} are made of {material}.", "Each product page lists the full materials and dimensions.", "We source from small suppliers we visit ourselves.")),
    ("Products", ("How do I care for my {item}?", "How should I clean my {item}?"),
     ("Wipe your {item} with a soft dry cloth and keep it away from direct sunlight.", "Do not use harsh cleaners.", "Store it in the pouch or box it came in.")),
    ("Products", ("Is my {item} covered by a warranty?", "Do you offer a warranty?"),
     ("Every {item} has a {warranty} warranty against defects.", "The warranty does not cover wear and tear or accidents.", "Email {email} with your order number to make a claim.")),
    ("Products", ("Will you restock a sold-out item?", "When will an item be back in stock?"),
     ("Most sold-out {products} are restocked within {restock_weeks} weeks.", "Use the notify-me button on the product page to hear when it is back.")),
    ("Products", ("Do you take custom orders?", "Can I order a personalised {item}?"),
     ("We take custom orders for {products}; email {email} with your idea.", "Custom pieces take {custom_weeks} weeks to make.", "Custom orders need a 50% deposit and cannot be returned.")),
    ("Products", ("Are the colours on the website accurate?",),
     ("We photograph every product in daylight, but screens show colours differently.", "Email us for extra photos before you buy.")),
    ("Products", ("Are your products sustainable?", "Is your packaging recyclable?"),
     ("Our packaging is plastic-free and fully recyclable.", "We offset the carbon of every shipment.")),
    ("Gift cards", ("Do you sell gift cards?", "How do gift cards work?"),
     ("Digital gift cards from {gift_min} to {gift_max} are sent by email.", "Gift cards are valid for {gift_years} years.", "Gift cards cannot be exchanged for cash.")),
    ("Gift cards", ("I lost my gift card code. Can you resend it?",),
     ("Email {email} with the buyer's name and we will resend the code.",)),
    ("Account", ("Do I need an account to order?", "Can I check out as a guest?"),
     ("No, you can check out as a guest.", "An account lets you track orders and save addresses.")),
    ("Account", ("How do I reset my password?", "What if I forgot my password?"),
     ("Click forgot password on the sign-in page and follow the link we email you.", "The link expires after {link_hours} hours.")),
    ("Account", ("How do I unsubscribe from emails?",),
     ("Use the unsubscribe link at the bottom of any email.", "It can take up to {unsub_days} days to take effect.")),
    ("Account", ("Do you have a loyalty program?", "Do you have rewards points?"),
     ("Members earn {points} points per dollar spent.", "{points_needed} points are worth a {reward} reward.", "Points expire after twelve months without an order.")),
    ("About", ("Where are you located?", "Do you have a shop I can visit?"),
     ("Our workshop is in {city}, open {hours}.", "Visits are by appointment on weekends.")),
    ("About", ("How can I contact you?", "How do I reach customer service?"),
     ("Email {email} or call {phone}, {hours}.", "We answer emails within {reply_hours} hours on business days.")),
    ("About", ("Do you sell wholesale?", "Can I stock your {products} in my shop?"),
     ("Yes, retailers can apply for a wholesale account by emailing {email}.", "Wholesale orders start at {wholesale_min}.")),
    ("About", ("Do you offer discounts for students or teachers?",),
     ("Students and teachers get {discount} off with a valid ID.", "Verify your status once at checkout.")),
    ("Privacy", ("What do you do with my data?", "Do you share my information?"),
     ("We use your details only to process your order and never sell them.", "Payment details are handled by our payment provider and never stored by us.")),
    ("Shipping", ("Will my order arrive before the holidays?", "What is the last day to order for Christmas?"),
     ("Order by {holiday_date} for delivery before the holidays within {home}.", "Express orders placed by {cutoff} on {holiday_express} still arrive in time.")),
    ("Shipping", ("Does someone need to sign for my parcel?",),
     ("Orders over {signature_over} need a signature on delivery.", "If nobody is home, {carrier} leaves a card to arrange another delivery.")),
    ("Orders", ("Can I pre-order an item?", "How do pre-orders work?"),
     ("Pre-order items show their expected ship date on the product page.", "An order with a pre-order item ships complete when everything is in stock.", "You can cancel a pre-order any time before it ships.")),
    ("Orders", ("Is there a minimum order?",),
     ("There is no minimum order for retail customers.", "Wholesale orders start at {wholesale_min}.")),
    ("Returns", ("Can I return a gift?", "I received a gift. Can I exchange it?"),
     ("Gifts can be returned for store credit within {return_days} days with the order number.", "The buyer is not told about the return.")),
    ("Returns", ("Can I return an item after the return window?",),
     ("Returns after {return_days} days are accepted only for faulty items under warranty.", "Email {email} to ask about a late return.")),
    ("Products", ("How do I choose the right size?", "Do you have a size guide?"),
     ("Every product page has a size guide with measurements in inches and centimetres.", "If you are between sizes, we suggest the larger one.", "Email {email} and we will help you choose.")),
    ("Products", ("Do your {products} contain allergens?", "Are your {products} safe for allergies?"),
     ("Each product page lists every ingredient and material.", "Our workshop also handles nuts and latex, so we cannot promise an allergen-free product.")),
    ("Payment", ("Can I pay in another currency?", "Do you accept foreign currency?"),
     ("Prices are charged in {currency}; your bank converts the amount.", "Your bank may charge a fee for the conversion.")),
    ("Payment", ("Can I get an invoice for my order?",),
     ("An invoice is attached to your order confirmation email.", "Email {email} if you need a company name or tax number added.")),
)
SPANS = {
    "transit": ("2-5", "3-7", "5-10", "1-3"), "processing": ("1-2", "2-3", "3-5", "1"), "intl": ("7-14", "10-21", "6-12"),
    "refund_days": ("5-7", "3-5", "7-10", "10-14"), "return_days": ("14", "30", "45", "60", "90"), "damage_days": ("3", "7", "14"),
    "label_days": ("1-2", "2-3"), "cancel_hours": ("2", "12", "24", "48"), "tracking_hours": ("24", "48"), "confirm_hours": ("1", "24"),
    "lost_days": ("5", "7", "10"), "restock_weeks": ("2-4", "4-6", "6-8"), "custom_weeks": ("2-3", "4-6", "6-8"), "gift_years": ("2", "3", "5"),
    "link_hours": ("1", "24"), "unsub_days": ("2", "10"), "reply_hours": ("24", "48"), "price_days": ("7", "14"),
}
MONEY = {
    "flat": ("$4.95", "$5.99", "$6.50", "$7.95", "$9.99"), "free_over": ("$35", "$50", "$75", "$100", "$150"),
    "express": ("$12", "$15", "$19.95", "$24"), "wrap": ("$3", "$5", "$7.50"), "label_cost": ("$6", "$7.95", "$9"),
    "gift_min": ("$10", "$25"), "gift_max": ("$200", "$250", "$500"), "bnpl_min": ("$50", "$100"), "wholesale_min": ("$250", "$500", "$1,000"),
    "reward": ("$5", "$10", "$15"), "signature_over": ("$200", "$300", "$500"),
}
OTHER = {
    "restock": ("10%", "15%", "20%"), "discount": ("10%", "15%", "20%"), "bonus": ("5%", "10%"), "warranty": ("one-year", "two-year", "90-day", "lifetime"),
    "points": ("1", "2", "5"), "points_needed": ("100", "200", "500"), "cutoff": ("11 am", "noon", "2 pm"), "currency": ("US dollars", "Canadian dollars", "pounds sterling", "euros"),
    "hours": ("Monday to Friday, 9 am to 5 pm", "weekdays 10 to 6", "Tuesday to Saturday, 10 am to 4 pm"),
    "holiday_date": ("December 12", "December 15", "December 18"), "holiday_express": ("December 20", "December 21"),
    "city": ("Portland", "Austin", "Leeds", "Halifax", "Adelaide", "Asheville", "Boulder", "Bristol", "Duluth"), "bnpl": ("Klarna", "Afterpay", "Shop Pay Installments"),
}


@dataclass(frozen=True)
class Shop:
    id: str
    name: str
    page: str  # faq.txt
    store_toml: str
    questions: tuple[str, ...]  # questions the page answers, as worded on it


def shop(seed: int, number: int) -> Shop:
    """Shop `number` of the family `seed`: the same text for the same pair, on any machine."""
    rng = random.Random(f"{seed}:{number}")
    trade = rng.choice(sorted(TRADES))
    products, item, material = TRADES[trade]
    name = f"{rng.choice(FIRST)} {rng.choice(SECOND)} {trade.title()}"
    shop_id = f"shop{number:03d}"
    carriers = rng.sample(CARRIERS, 2)
    values = {key: rng.choice(options) for table in (SPANS, MONEY, OTHER) for key, options in table.items()}
    values |= {
        "products": products, "Products": products[0].upper() + products[1:], "item": item, "material": material,
        "email": f"help@{shop_id}.example", "phone": f"+1 555 {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}",
        "carrier": carriers[0], "carrier2": carriers[1], "home": rng.choice(COUNTRIES[:4]),
        "countries": join(rng.sample(COUNTRIES, rng.randint(2, 6))), "payments": join(rng.sample(PAYMENTS, rng.randint(3, 6))),
    }
    chosen = rng.sample(range(len(TEMPLATES)), rng.randint(30, min(60, len(TEMPLATES))))
    sections: dict[str, list[str]] = {}
    questions = []
    for position in sorted(chosen):  # the templates' order keeps each section's passages together
        section, wordings, sentences = TEMPLATES[position]
        question = rng.choice(wordings).format(**values)
        answer = [sentences[0]] + [s for s in sentences[1:] if rng.random() < 0.6]
        sections.setdefault(section, []).append(f"{question}\n{' '.join(answer).format(**values)}")
        questions.append(question)
    page = f"{name}: frequently asked questions\n" + "".join(f"{section}\n" + "\n".join(passages) + "\n" for section, passages in sections.items())
    store_toml = f'name = "{name}"\nsupport_email = "{values["email"]}"\n'
    return Shop(shop_id, name, page, store_toml, tuple(questions))


def join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def write_shops(out: Path, count: int, seed: int) -> list[Shop]:
    """OUT/<shop>/faq.txt and store.toml for shops 0..count-1; a file already as it should be is not
    rewritten, so a build over OUT stays fresh."""
    shops = [shop(seed, number) for number in range(count)]
    for each in shops:
        folder = out / each.id
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in (("faq.txt", each.page), ("store.toml", each.store_toml)):
            path = folder / name
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
    return shops


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--shops", type=int, default=300)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    shops = write_shops(args.out, args.shops, args.seed)
    passages = [s.page.count("?\n") for s in shops]
    print(f"{len(shops)} shops in {args.out}: {min(passages)}-{max(passages)} passages each, {sum(len(s.page) for s in shops) / len(shops):,.0f} characters on average")


if __name__ == "__main__":
    main()
