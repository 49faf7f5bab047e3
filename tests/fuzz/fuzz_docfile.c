/* libFuzzer target: the checks of a draft's uploaded file and the text taken
 * from a DOCX (core/document_file.c) must take any bytes without crashing,
 * reading past them or leaking; the text is valid UTF-8 within its bound. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/document.h"
#include "core/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL;
	char *text = NULL;

	(void)mc_doc_file_check(MC_DOC_FILE_PDF, data, size, &why);
	(void)mc_doc_file_check(MC_DOC_FILE_DOCX, data, size, &why);
	if (mc_doc_docx_text(data, size, &text) != 0 || !text || strlen(text) > MC_DOC_FILE_TEXT_MAX ||
	    !mc_text_valid_utf8(text, strlen(text)))
		abort();
	free(text);
	return 0;
}
