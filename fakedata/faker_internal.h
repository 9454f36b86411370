/*
 * faker_internal.h - the English word lists behind faker.c, compiled in from
 * faker_words.c. Private to the faker module.
 */
#ifndef MOCKRUN_FAKEDATA_FAKER_INTERNAL_H
#define MOCKRUN_FAKEDATA_FAKER_INTERNAL_H

#include <stddef.h>

/* A fixed list of NUL-terminated words. */
struct mr_faker__list {
    const char *const *items;
    size_t n;
};

extern const struct mr_faker__list mr_faker__first_names;
extern const struct mr_faker__list mr_faker__last_names;
extern const struct mr_faker__list mr_faker__name_prefixes;
extern const struct mr_faker__list mr_faker__name_suffixes;
extern const struct mr_faker__list mr_faker__job_descriptors;
extern const struct mr_faker__list mr_faker__job_areas;
extern const struct mr_faker__list mr_faker__job_types;
extern const struct mr_faker__list mr_faker__city_prefixes;
extern const struct mr_faker__list mr_faker__city_suffixes;
extern const struct mr_faker__list mr_faker__city_names;
extern const struct mr_faker__list mr_faker__countries;
extern const struct mr_faker__list mr_faker__country_codes; /* parallel to countries */
extern const struct mr_faker__list mr_faker__states;
extern const struct mr_faker__list mr_faker__state_abbrs; /* parallel to states */
extern const struct mr_faker__list mr_faker__street_suffixes;
extern const struct mr_faker__list mr_faker__company_suffixes;
extern const struct mr_faker__list mr_faker__product_adjectives;
extern const struct mr_faker__list mr_faker__product_materials;
extern const struct mr_faker__list mr_faker__products;
extern const struct mr_faker__list mr_faker__departments;
extern const struct mr_faker__list mr_faker__domain_adjectives;
extern const struct mr_faker__list mr_faker__domain_nouns;
extern const struct mr_faker__list mr_faker__email_providers;
extern const struct mr_faker__list mr_faker__tlds;
extern const struct mr_faker__list mr_faker__currency_codes;
extern const struct mr_faker__list mr_faker__colors; /* color.human */
extern const struct mr_faker__list mr_faker__lorem;

#endif
