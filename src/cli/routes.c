/*
 * routes.c - `motcua routes [--json]`: every route of the API (api/routes.c)
 * with its methods, pattern, authentication and roles. The authorisation
 * matrix test (tests/api/authz_matrix.test.mjs) reads the JSON form, so a
 * route added to the table without a rule in the test makes the test fail.
 */
#include "cli/cli.h"

#include "api/api.h"
#include "core/dossier.h"
#include "http/server.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	int method;
	const char *name;
} method_names[] = {
    {MC_M_GET, "GET"}, {MC_M_POST, "POST"}, {MC_M_PUT, "PUT"}, {MC_M_PATCH, "PATCH"}, {MC_M_DELETE, "DELETE"},
};

/* One route as {"methods", "pattern", "auth", "roles", "body"}; new reference. */
static json_t *route_json(const mc_route *rt)
{
	json_t *methods = json_array();
	for (size_t i = 0; i < MC_ARRAY_LEN(method_names); i++) {
		if (rt->methods & method_names[i].method)
			json_array_append_new(methods, json_string(method_names[i].name));
	}
	json_t *roles = json_array();
	if (rt->auth == MC_AUTH_SESSION) {
		for (int role = MC_ROLE_CITIZEN; role <= MC_ROLE_ADMIN; role++) {
			if (rt->roles & MC_ROLE_BIT(role))
				json_array_append_new(roles, json_string(mc_role_name((mc_role)role)));
		}
	}
	const char *body = NULL;
	if (rt->flags & MC_ROUTE_JSON)
		body = "json";
	else if (rt->flags & MC_ROUTE_UPLOAD)
		body = "upload";
	return json_pack("{s:o, s:s, s:s, s:o, s:s?}", "methods", methods, "pattern", rt->pattern, "auth",
			 rt->auth == MC_AUTH_SESSION ? "session" : "public", "roles", roles, "body", body);
}

int mc_cli_routes(int argc, char **argv)
{
	bool as_json = false;
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			as_json = true;
		} else {
			fprintf(stderr, "motcua: unknown option %s\nusage: motcua routes [--json]\n",
				argv[i]);
			return 2;
		}
	}
	json_t *all = json_array();
	for (size_t i = 0; i < mc_routes_count; i++)
		json_array_append_new(all, route_json(&mc_routes[i]));
	if (as_json) {
		char *text = json_dumps(all, JSON_INDENT(1));
		if (!text) {
			fprintf(stderr, "motcua: could not encode the routes\n");
			rc = 1;
			goto cleanup;
		}
		printf("%s\n", text);
		free(text);
		goto cleanup;
	}
	size_t i;
	json_t *rt;
	json_array_foreach(all, i, rt)
	{
		char methods[64] = "";
		size_t k;
		json_t *m;
		json_array_foreach(json_object_get(rt, "methods"), k, m)
		{
			if (k)
				strncat(methods, ",", sizeof methods - strlen(methods) - 1);
			strncat(methods, json_string_value(m), sizeof methods - strlen(methods) - 1);
		}
		printf("%-7s %-48s %s", methods, json_string_value(json_object_get(rt, "pattern")),
		       json_string_value(json_object_get(rt, "auth")));
		json_t *role;
		json_array_foreach(json_object_get(rt, "roles"), k, role)
		    printf("%s%s", k ? "," : " ", json_string_value(role));
		printf("\n");
	}
cleanup:
	json_decref(all);
	return rc;
}
