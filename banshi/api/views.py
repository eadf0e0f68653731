from ninja import NinjaAPI

api = NinjaAPI(title="banshi API", version="1")
