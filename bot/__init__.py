"""faqbot: answers a store's shoppers from that store's own FAQ, never another's."""
